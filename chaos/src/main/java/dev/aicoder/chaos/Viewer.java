package dev.aicoder.chaos;

import dev.aicoder.protocol.Frame;
import dev.aicoder.protocol.FrameCodec;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * One browser tab watching one conversation, behaving as the web app does (ChatConnection and
 * streamReducer): it joins on every connect, resumes every unfinished turn it knows of from its
 * last seq, resends prompts not yet accepted, drops any seq at or below the last one applied, and
 * on a skipped seq applies nothing and resumes from the last one. {@code restart} clears the
 * partial answer. A closed socket is reopened after a backoff on the other gateway.
 */
final class Viewer {

  /** Spacing of frames a burst sends (resumes after a long absence), under the server's limit. */
  private static final long SEND_SPACING_NANOS = TimeUnit.MILLISECONDS.toNanos(70);

  /** After a connect, turns learned of are resumed too, as a tab reloading history would. */
  private static final long HISTORY_WINDOW_NANOS = TimeUnit.SECONDS.toNanos(3);

  final String name;
  final String conversationId;
  private final HttpClient http;
  private final ScheduledExecutorService timers;
  private final String token;
  private final List<URI> gateways;
  private final BiConsumer<Viewer, Frame.Accepted> onAccepted;

  private final Map<String, TurnView> turns = new HashMap<>();
  private final LinkedHashMap<String, Frame.Prompt> unaccepted = new LinkedHashMap<>();
  private final Map<String, Integer> frameErrors = new TreeMap<>();
  private final Map<Integer, Integer> closes = new TreeMap<>();
  private WebSocket socket;
  private boolean connecting;
  private boolean stopped;
  private long generation;
  private long openedAt;
  private long awayUntil;
  private int attempt;
  private int nextGateway;
  private int connects;
  private CompletableFuture<?> sendChain = CompletableFuture.completedFuture(null);
  private long nextSendAt;

  Viewer(
      String name,
      String conversationId,
      HttpClient http,
      ScheduledExecutorService timers,
      String token,
      List<URI> gateways,
      int firstGateway,
      BiConsumer<Viewer, Frame.Accepted> onAccepted) {
    this.name = name;
    this.conversationId = conversationId;
    this.http = http;
    this.timers = timers;
    this.token = token;
    this.gateways = gateways;
    this.nextGateway = firstGateway;
    this.onAccepted = onAccepted;
  }

  /** What this viewer shows of one turn. */
  static final class TurnView {
    final StringBuilder text = new StringBuilder();
    long lastSeq;
    boolean gap;
    String status; // null while streaming; done, error or cancelled
    String errorCode;
    long finalAt;
    int restarts;
    int gaps;
    int duplicates;
    int eventsAfterFinal;

    TurnView copy() {
      TurnView c = new TurnView();
      c.text.append(text);
      c.lastSeq = lastSeq;
      c.gap = gap;
      c.status = status;
      c.errorCode = errorCode;
      c.finalAt = finalAt;
      c.restarts = restarts;
      c.gaps = gaps;
      c.duplicates = duplicates;
      c.eventsAfterFinal = eventsAfterFinal;
      return c;
    }
  }

  synchronized boolean isOpen() {
    return socket != null;
  }

  synchronized int connects() {
    return connects;
  }

  synchronized Map<String, Integer> frameErrors() {
    return new TreeMap<>(frameErrors);
  }

  synchronized Map<Integer, Integer> closes() {
    return new TreeMap<>(closes);
  }

  /** A copy of what this viewer shows of a turn; null if it never heard of it. */
  synchronized TurnView view(String turnId) {
    TurnView v = turns.get(turnId);
    return v == null ? null : v.copy();
  }

  synchronized void connect() {
    if (stopped || socket != null || connecting || System.nanoTime() < awayUntil) {
      return;
    }
    connecting = true;
    long gen = ++generation;
    URI uri = URI.create(gateways.get(nextGateway) + "?access_token=" + token);
    nextGateway = (nextGateway + 1) % gateways.size();
    http.newWebSocketBuilder()
        .connectTimeout(Duration.ofSeconds(5))
        .subprotocols(FrameCodec.JSON)
        .buildAsync(uri, new Listener(gen))
        .orTimeout(10, TimeUnit.SECONDS)
        .whenComplete(
            (ws, error) -> {
              if (error != null) {
                closed(gen, -1);
              }
            });
  }

  private synchronized void opened(long gen, WebSocket ws) {
    if (gen != generation || stopped) {
      ws.abort();
      return;
    }
    socket = ws;
    connecting = false;
    attempt = 0;
    connects++;
    openedAt = System.nanoTime();
    sendChain = CompletableFuture.completedFuture(null);
    send(new Frame.Join(conversationId));
    turns.forEach(
        (turnId, v) -> {
          if (v.status == null) {
            send(new Frame.Resume(turnId, v.lastSeq));
          }
        });
    unaccepted.values().forEach(this::send);
  }

  private void closed(long gen, int code) {
    synchronized (this) {
      if (gen != generation) {
        return;
      }
      closes.merge(code, 1, Integer::sum);
      WebSocket old = socket;
      socket = null;
      connecting = false;
      if (old != null) {
        old.abort();
      }
      if (stopped) {
        return;
      }
      long now = System.nanoTime();
      long delay =
          now < awayUntil
              ? awayUntil - now
              : TimeUnit.MILLISECONDS.toNanos(
                  Math.min(2000, 200L << Math.min(attempt++, 4))
                      + ThreadLocalRandom.current().nextInt(200));
      timers.schedule(this::connect, delay, TimeUnit.NANOSECONDS);
    }
  }

  /**
   * Drops the socket as a lost network would, stays away for {@code away}, then reconnects to
   * either gateway.
   */
  synchronized void drop(Duration away) {
    awayUntil = System.nanoTime() + away.toNanos();
    generation++; // nothing more from the old socket reaches this tab
    WebSocket old = socket;
    socket = null;
    connecting = false;
    if (old != null) {
      old.abort();
    }
    nextGateway = ThreadLocalRandom.current().nextInt(gateways.size());
    timers.schedule(this::connect, away.toNanos(), TimeUnit.NANOSECONDS);
  }

  /** Sends a prompt now, or as soon as the connection is back; resent until accepted. */
  synchronized void prompt(Frame.Prompt prompt) {
    unaccepted.put(prompt.clientMsgId(), prompt);
    if (socket != null) {
      send(prompt);
    }
  }

  /**
   * Starts tracking a turn of the conversation learned from its history; right after a connect that
   * is also when the tab asks for it.
   */
  synchronized void track(String turnId) {
    if (turns.containsKey(turnId)) {
      return;
    }
    turns.put(turnId, new TurnView());
    if (socket != null && System.nanoTime() - openedAt < HISTORY_WINDOW_NANOS) {
      send(new Frame.Resume(turnId, 0));
    }
  }

  synchronized void stop() {
    stopped = true;
    generation++;
    if (socket != null) {
      socket.abort();
      socket = null;
    }
  }

  private void handle(long gen, Frame frame) {
    Frame.Accepted accepted = null;
    synchronized (this) {
      if (gen != generation) {
        return;
      }
      if (frame instanceof Frame.Accepted a) {
        unaccepted.remove(a.clientMsgId());
        accepted = a;
      } else if (frame instanceof Frame.Error e && e.turnId() == null) {
        frameErrors.merge(e.code(), 1, Integer::sum);
      } else if (frame instanceof Frame.TurnEvent event) {
        apply(event);
      } else if (frame instanceof Frame.Ping ping) {
        send(new Frame.Pong(ping.ts()));
      }
    }
    if (accepted != null) {
      onAccepted.accept(this, accepted);
    }
  }

  /** The web app's streamReducer.applySeq. */
  private void apply(Frame.TurnEvent event) {
    String turnId = event.turnId();
    long seq = event.seq();
    TurnView v = turns.computeIfAbsent(turnId, id -> new TurnView());
    if (seq <= v.lastSeq) {
      v.duplicates++;
      return;
    }
    if (seq > v.lastSeq + 1) {
      if (!v.gap) {
        v.gap = true;
        v.gaps++;
        send(new Frame.Resume(turnId, v.lastSeq));
      }
      return;
    }
    if (v.status != null) {
      v.eventsAfterFinal++;
    }
    v.lastSeq = seq;
    v.gap = false;
    if (event instanceof Frame.Delta d) {
      v.text.append(d.text());
      v.status = null;
    } else if (event instanceof Frame.Restart) {
      v.text.setLength(0);
      v.status = null;
      v.restarts++;
    } else if (event instanceof Frame.Error e) {
      finish(v, "error", e.code());
    } else if (event instanceof Frame.Cancelled) {
      finish(v, "cancelled", null);
    } else {
      finish(v, "done", null);
    }
  }

  private static void finish(TurnView v, String status, String code) {
    v.status = status;
    v.errorCode = code;
    v.finalAt = System.nanoTime();
  }

  /**
   * Queues a frame on the open socket: one send at a time (the JDK client allows no more), and a
   * burst spaced so the server's frames-per-second limit does not refuse it.
   */
  private void send(Frame frame) {
    WebSocket ws = socket;
    if (ws == null) {
      return;
    }
    String text = FrameCodec.toJson(frame);
    long now = System.nanoTime();
    nextSendAt = Math.max(now, nextSendAt + SEND_SPACING_NANOS);
    long due = nextSendAt;
    sendChain =
        sendChain
            .thenCompose(
                v ->
                    CompletableFuture.runAsync(
                        () -> {},
                        CompletableFuture.delayedExecutor(
                            Math.max(0, due - System.nanoTime()), TimeUnit.NANOSECONDS)))
            .thenCompose(v -> ws.sendText(text, true))
            .exceptionally(e -> null);
  }

  private final class Listener implements WebSocket.Listener {
    private final long gen;
    private final StringBuilder partial = new StringBuilder();

    Listener(long gen) {
      this.gen = gen;
    }

    @Override
    public void onOpen(WebSocket ws) {
      opened(gen, ws);
      ws.request(1);
    }

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        String text = partial.toString();
        partial.setLength(0);
        try {
          handle(gen, FrameCodec.fromJson(text));
        } catch (Exception e) {
          synchronized (Viewer.this) {
            frameErrors.merge("unreadable_frame", 1, Integer::sum);
          }
        }
      }
      ws.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
      closed(gen, statusCode);
      return null;
    }

    @Override
    public void onError(WebSocket ws, Throwable error) {
      closed(gen, -1);
    }
  }

  /** Every turn this viewer heard of. */
  synchronized List<String> turnIds() {
    return new ArrayList<>(turns.keySet());
  }
}
