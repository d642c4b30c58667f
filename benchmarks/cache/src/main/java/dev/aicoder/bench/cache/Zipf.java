package dev.aicoder.bench.cache;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Keys 0..n-1 drawn with probability proportional to 1 / rank^s, from a fixed seed. Ranks are
 * shuffled onto keys, so a key's number says nothing about its popularity.
 */
final class Zipf {

  private final double[] cdf;
  private final int[] keyOfRank;
  private final SplittableRandom random;

  Zipf(int n, double s, long seed) {
    cdf = new double[n];
    double sum = 0;
    for (int rank = 1; rank <= n; rank++) {
      sum += 1 / Math.pow(rank, s);
      cdf[rank - 1] = sum;
    }
    for (int i = 0; i < n; i++) {
      cdf[i] /= sum;
    }
    random = new SplittableRandom(seed);
    keyOfRank = new int[n];
    for (int i = 0; i < n; i++) {
      keyOfRank[i] = i;
    }
    for (int i = n - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = keyOfRank[i];
      keyOfRank[i] = keyOfRank[j];
      keyOfRank[j] = t;
    }
  }

  int next() {
    int i = Arrays.binarySearch(cdf, random.nextDouble());
    int rank = i >= 0 ? i : Math.min(-i - 1, cdf.length - 1);
    return keyOfRank[rank];
  }

  /** A uniform draw in [0, 1) from the same generator, for mixing operations. */
  double uniform() {
    return random.nextDouble();
  }
}
