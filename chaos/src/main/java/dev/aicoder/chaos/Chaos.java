package dev.aicoder.chaos;

import dev.aicoder.protocol.Frame;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The fault harness: prompts at a steady rate into conversations watched by several viewers on both
 * gateways, injects the faults of the plan one after another, waits until every viewer saw every
 * turn end (or the drain deadline passed), and checks what each viewer showed against what the
 * model sent.
 */
final class Chaos {

  private final ChaosConfig config;
  private final Path runDir;
  private final PrintStream out;
  private final List<Fault> plan;
  private final List<Conversation> conversations = new ArrayList<>();
  private final List<TurnRecord> turns = new CopyOnWriteArrayList<>();
  private final Map<String, TurnRecord> byMessage = new ConcurrentHashMap<>();
  private final Map<Integer, Long> injectedAt = new ConcurrentHashMap<>();
  private final Map<Integer, Long> endedAt = new ConcurrentHashMap<>();
  private final Map<Integer, String> notes = new ConcurrentHashMap<>();
  private volatile int phase = -1;
  private volatile ModelFault modelFault;
  private long t0;

  Chaos(ChaosConfig config, Path runDir, PrintStream out) {
    this.config = config;
    this.runDir = runDir;
    this.out = out;
    this.plan = plan(config);
  }

  /** A conversation and the viewers that watch it. */
  record Conversation(String id, List<Viewer> viewers, AtomicInteger next) {}

  /** Directives a model fault adds to the next {@code remaining} prompts. */
  private static final class ModelFault {
    final int faultIndex;
    final Fault.Kind kind;
    int remaining;

    ModelFault(int faultIndex, Fault.Kind kind, int remaining) {
      this.faultIndex = faultIndex;
      this.kind = kind;
      this.remaining = remaining;
    }
  }

  /** The plan: each fault once, spread evenly over the run, each given at least what it needs. */
  static List<Fault> plan(ChaosConfig config) {
    List<Fault> faults = new ArrayList<>();
    faults.add(new Fault("kill -9 ai-streaming", Fault.Kind.KILL_AI_STREAMING, null, null));
    faults.add(new Fault("kill -9 chat-websocket", Fault.Kind.KILL_CHAT_WEBSOCKET, null, null));
    faults.add(new Fault("kill -9 gateway", Fault.Kind.KILL_GATEWAY, null, null));
    faults.add(new Fault("Redis restart (AOF)", Fault.Kind.RESTART_REDIS, null, null));
    for (Duration away : config.drops()) {
      faults.add(new Fault("client drop " + away.toSeconds() + " s", Fault.Kind.DROP, null, away));
    }
    faults.add(new Fault("model slow", Fault.Kind.MODEL_SLOW, null, null));
    faults.add(new Fault("model erroring (500)", Fault.Kind.MODEL_ERRORING, null, null));
    faults.add(new Fault("model hanging", Fault.Kind.MODEL_HANGING, null, null));
    // Before the first fault, a few turns; the last fault only needs its faulted prompts sent
    // before the prompts end (its turns may end during the drain).
    long period = (long) (1000 / config.rate());
    long baseline = Math.max(3000, 2 * period);
    long needed = baseline + (config.faultedTurns() + 1) * period;
    for (Fault f : faults.subList(0, faults.size() - 1)) {
      needed += f.needs(config).toMillis();
    }
    double stretch = Math.max(1.0, (double) config.length().toMillis() / needed);
    List<Fault> timed = new ArrayList<>();
    long at = (long) (baseline * stretch);
    for (Fault f : faults) {
      timed.add(new Fault(f.name(), f.kind(), Duration.ofMillis(at), f.away()));
      at += (long) (f.needs(config).toMillis() * stretch);
    }
    return timed;
  }

  /** Runs everything and returns the checked result. */
  Report run() throws Exception {
    out.printf(
        Locale.ROOT,
        "chaos: %d turns at %.2f/s in %d conversations x %d viewers; %d faults; run folder %s%n",
        config.turns(),
        config.rate(),
        config.conversations(),
        config.viewers(),
        plan.size(),
        runDir);
    long lastWindow = (long) ((config.faultedTurns() + 1) * 1000 / config.rate());
    if (plan.get(plan.size() - 1).offset().plusMillis(lastWindow).compareTo(config.length()) > 0) {
      out.println("chaos: warning: the faults outlast the prompts; use more turns or a lower rate");
    }
    long started = System.nanoTime();
    ScheduledExecutorService timers = Executors.newScheduledThreadPool(2);
    HttpClient http = HttpClient.newHttpClient();
    try (Cluster cluster = Cluster.start(config, runDir)) {
      out.printf(
          Locale.ROOT,
          "chaos: Redis, the model and 6 services ready in %.1f s%n",
          seconds(System.nanoTime() - started));
      String token = cluster.signIn();
      List<URI> gateways = List.of(cluster.gatewayUri(0), cluster.gatewayUri(1));
      for (int c = 0; c < config.conversations(); c++) {
        List<Viewer> viewers = new ArrayList<>();
        String id = UUID.randomUUID().toString();
        for (int v = 0; v < config.viewers(); v++) {
          viewers.add(
              new Viewer(
                  "c" + c + ".v" + v,
                  id,
                  http,
                  timers,
                  token,
                  gateways,
                  (c + v) % 2,
                  this::accepted));
        }
        conversations.add(new Conversation(id, viewers, new AtomicInteger()));
      }
      conversations.forEach(c -> c.viewers().forEach(Viewer::connect));
      awaitAllOpen();

      t0 = System.nanoTime();
      Thread faults = new Thread(() -> injectFaults(cluster), "chaos-faults");
      faults.setDaemon(true);
      faults.start();
      prompts();
      out.printf(Locale.ROOT, "[%6.1fs] all %d prompts sent%n", now(), config.turns());
      faults.join(TimeUnit.MINUTES.toMillis(10));
      drain();
      conversations.forEach(c -> c.viewers().forEach(Viewer::stop));
      return Report.of(this);
    } finally {
      timers.shutdownNow();
    }
  }

  private void awaitAllOpen() throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (conversations.stream().flatMap(c -> c.viewers().stream()).anyMatch(v -> !v.isOpen())) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the viewers could not all connect within 60 s");
      }
      Thread.sleep(50);
    }
  }

  /** One prompt every 1/rate seconds, round the conversations, from a viewer that is connected. */
  private void prompts() throws InterruptedException {
    long period = (long) (1e9 / config.rate());
    for (int k = 0; k < config.turns(); k++) {
      sleepUntil(t0 + k * period);
      Conversation c = conversations.get(k % conversations.size());
      Viewer prompter = prompter(c);
      String kind = "normal";
      String directives = "";
      ModelFault mf = modelFault;
      int faultIndex = -1;
      if (mf != null) {
        synchronized (mf) {
          if (mf.remaining > 0) {
            faultIndex = mf.faultIndex;
            int n = mf.remaining--;
            switch (mf.kind) {
              case MODEL_SLOW -> {
                kind = "slow";
                directives = " #gap=" + config.slowGapMs();
              }
              case MODEL_ERRORING -> {
                // Every other prompt fails once only: the worker's retry must hide that.
                kind = n % 2 == 0 ? "fail-once" : "fail";
                directives = n % 2 == 0 ? " #fail=500 #failtimes=1" : " #fail=500";
              }
              default -> {
                kind = "hang";
                directives = " #hang";
              }
            }
            if (mf.remaining == 0) {
              endedAt.put(mf.faultIndex, System.nanoTime());
            }
          }
        }
      }
      String text = "chaos turn " + k + " #tokens=" + config.tokens() + directives;
      TurnRecord turn =
          new TurnRecord(
              k,
              c,
              UUID.randomUUID().toString(),
              text,
              config.tokens(),
              kind,
              phase,
              faultIndex,
              System.nanoTime(),
              prompter.name);
      turns.add(turn);
      byMessage.put(turn.clientMsgId, turn);
      prompter.prompt(new Frame.Prompt(c.id(), turn.clientMsgId, text, null));
      if (k > 0 && k % Math.max(1, (int) (config.rate() * 30)) == 0) {
        progress();
      }
    }
  }

  private Viewer prompter(Conversation c) {
    List<Viewer> viewers = c.viewers();
    for (int i = 0; i < viewers.size(); i++) {
      Viewer v = viewers.get(Math.floorMod(c.next().getAndIncrement(), viewers.size()));
      if (v.isOpen()) {
        return v;
      }
    }
    return viewers.get(0); // none connected: the prompt waits for its reconnect, as in the app
  }

  private void progress() {
    long accepted = turns.stream().filter(t -> t.turnId != null).count();
    long ended = turns.stream().filter(this::endedEverywhere).count();
    out.printf(
        Locale.ROOT,
        "[%6.1fs] %d prompted, %d accepted, %d ended at every viewer%n",
        now(),
        turns.size(),
        accepted,
        ended);
  }

  boolean endedEverywhere(TurnRecord t) {
    String id = t.turnId;
    if (id == null) {
      return false;
    }
    for (Viewer v : t.conversation.viewers()) {
      Viewer.TurnView view = v.view(id);
      if (view == null || view.status == null) {
        return false;
      }
    }
    return true;
  }

  /**
   * The server's answer to a prompt: the turn becomes known to every viewer of its conversation.
   */
  private void accepted(Viewer viewer, Frame.Accepted accepted) {
    TurnRecord turn = byMessage.get(accepted.clientMsgId());
    if (turn == null) {
      return;
    }
    boolean first;
    synchronized (turn) {
      first = turn.turnId == null;
      if (first) {
        turn.turnId = accepted.turnId();
        turn.acceptedAt = System.nanoTime();
      } else if (!turn.turnId.equals(accepted.turnId())) {
        turn.otherTurnIds.add(accepted.turnId());
      }
    }
    if (first) {
      turn.conversation.viewers().forEach(v -> v.track(accepted.turnId()));
    }
  }

  private void injectFaults(Cluster cluster) {
    for (int i = 0; i < plan.size(); i++) {
      Fault f = plan.get(i);
      try {
        sleepUntil(t0 + f.offset().toNanos());
        phase = i;
        long at = System.nanoTime();
        injectedAt.put(i, at);
        out.printf(Locale.ROOT, "[%6.1fs] inject: %s%n", now(), f.name());
        String note = inject(i, f, cluster);
        notes.put(i, note);
        out.printf(Locale.ROOT, "[%6.1fs]   %s%n", now(), note);
      } catch (Exception e) {
        notes.put(i, "injection failed: " + e);
        out.printf(Locale.ROOT, "[%6.1fs]   injection failed: %s%n", now(), e);
        endedAt.putIfAbsent(i, System.nanoTime());
      }
    }
  }

  private String inject(int i, Fault f, Cluster cluster) throws Exception {
    switch (f.kind()) {
      case KILL_AI_STREAMING, KILL_CHAT_WEBSOCKET, KILL_GATEWAY, RESTART_REDIS -> {
        // Mid-turn: once a worker holds a request, a third into its answer, so the fault meets a
        // turn that has shown text (at a low rate it could otherwise fall between turns).
        Cluster.Holder holder = cluster.busiestWorker(Duration.ofSeconds(10));
        Thread.sleep(config.firstTokenMs() + (long) config.tokens() * config.gapMs() / 3);
        String inFlight = holder.pending() + " request(s) in flight";
        injectedAt.put(i, System.nanoTime());
        if (f.kind() == Fault.Kind.RESTART_REDIS) {
          Duration away = cluster.restartRedis();
          endedAt.put(i, System.nanoTime());
          return String.format(
              Locale.ROOT,
              "%s; Redis stopped and started on its AOF in %.1f s",
              inFlight,
              away.toMillis() / 1000.0);
        }
        Service victim =
            switch (f.kind()) {
              case KILL_AI_STREAMING -> holder.worker();
              case KILL_CHAT_WEBSOCKET -> cluster.chats.get(0);
              default -> cluster.gateways.get(1);
            };
        long pid = victim.pid();
        Duration back = cluster.killAndRestart(victim);
        endedAt.put(i, System.nanoTime());
        return String.format(
            Locale.ROOT,
            "%s; %s (pid %d) killed, a new one ready %.1f s later",
            inFlight,
            victim.name,
            pid,
            back.toMillis() / 1000.0);
      }
      case DROP -> {
        int index = (i) % config.viewers();
        List<String> names = new ArrayList<>();
        for (Conversation c : conversations) {
          Viewer v = c.viewers().get(index);
          v.drop(f.away());
          names.add(v.name);
        }
        endedAt.put(i, System.nanoTime() + f.away().toNanos());
        return "dropped " + String.join(", ", names) + " for " + f.away().toSeconds() + " s";
      }
      default -> {
        modelFault = new ModelFault(i, f.kind(), config.faultedTurns());
        return "the next " + config.faultedTurns() + " prompts carry the fault";
      }
    }
  }

  /** Waits until every turn ended at every viewer, or the drain deadline after the last prompt. */
  private void drain() throws InterruptedException {
    long deadline = System.nanoTime() + config.drain().toNanos();
    long lastLog = System.nanoTime();
    while (System.nanoTime() < deadline) {
      if (turns.stream().allMatch(this::endedEverywhere)) {
        out.printf(Locale.ROOT, "[%6.1fs] every turn ended at every viewer%n", now());
        return;
      }
      if (System.nanoTime() - lastLog > TimeUnit.SECONDS.toNanos(10)) {
        progress();
        lastLog = System.nanoTime();
      }
      Thread.sleep(200);
    }
    out.printf(Locale.ROOT, "[%6.1fs] drain deadline passed with turns still open%n", now());
  }

  private static void sleepUntil(long nanoTime) throws InterruptedException {
    long wait = nanoTime - System.nanoTime();
    if (wait > 0) {
      TimeUnit.NANOSECONDS.sleep(wait);
    }
  }

  private double now() {
    return seconds(System.nanoTime() - t0);
  }

  static double seconds(long nanos) {
    return nanos / 1e9;
  }

  ChaosConfig config() {
    return config;
  }

  List<Fault> faults() {
    return plan;
  }

  List<TurnRecord> turns() {
    return turns;
  }

  long t0() {
    return t0;
  }

  Long injectedAt(int fault) {
    return injectedAt.get(fault);
  }

  Long endedAt(int fault) {
    return endedAt.get(fault);
  }

  String note(int fault) {
    return notes.getOrDefault(fault, "");
  }

  List<Conversation> conversations() {
    return conversations;
  }
}
