package dev.aicoder.protocol;

/**
 * Every Redis key and channel the chat turn uses, in one place. Keys are prefixed {@code aicoder:};
 * each one that can grow has a bound or a TTL, noted where it is written.
 */
public final class Keys {

  /** Stream of {@link TurnRequest}s, read by the consumer group {@link #GROUP}. */
  public static final String REQUESTS = "aicoder:ai:requests";

  /** The consumer group of ai-streaming instances. */
  public static final String GROUP = "ai-streaming";

  /** Hash of live ai-streaming instances: field instance id, value "free slots:epoch ms". */
  public static final String WORKERS = "aicoder:ai:workers";

  /** The single field of a turn stream entry; its value is the event frame as JSON. */
  public static final String EVENT_FIELD = "event";

  /**
   * The Pub/Sub channel of every turn's events as they are written: a message per write, carrying
   * each event with its turn's id ({@link TurnEvents#live}). chat-websocket follows live turns by
   * one subscription, so following costs the same for 1 or 1,000 live turns and nothing is read
   * back from Redis per event; the turn's own stream stays the record that resumes, catch-ups and
   * takeovers read, and that a subscriber which missed a message (it was disconnected) reads the
   * gap from.
   */
  public static final String LIVE = "aicoder:ai:live";

  /**
   * Every accepted turn (fields {@code turn}, {@code conversation}, {@code author}: who prompted,
   * {@code from}: the accepting instance), trimmed to about {@link #ANNOUNCED_MAXLEN} entries.
   * Every chat-websocket instance reads it and follows the turns of conversations it has viewers
   * of, so a turn accepted on one instance reaches viewers on all of them.
   */
  public static final String ANNOUNCED = "aicoder:chat:announced";

  /** About 100 seconds of prompts at 100 a second; a reader further behind misses the oldest. */
  public static final int ANNOUNCED_MAXLEN = 10_000;

  private Keys() {}

  /**
   * The stream of one turn's events. Entry IDs are {@code 0-<seq>}, so a resume is a range read
   * from {@code lastSeq} and a second writer of the same seq is refused by Redis itself.
   */
  public static String turn(String turnId) {
    return "aicoder:ai:turn:" + turnId;
  }

  /**
   * Marks a turn cancelled (with a TTL): the worker running it polls for it, and a worker that
   * picks it up or reclaims it later sees it too.
   */
  public static String cancelled(String turnId) {
    return "aicoder:ai:cancelled:" + turnId;
  }

  /** "<userId> <conversationId>" of a turn: who may cancel it, who may replay it; a day long. */
  public static String turnOwner(String turnId) {
    return "aicoder:ai:turnowner:" + turnId;
  }

  /** The turn that a client message became, so a repeated clientMsgId yields the same turn. */
  public static String clientMessage(String conversationId, String clientMsgId) {
    return "aicoder:chat:msg:" + conversationId + ":" + clientMsgId;
  }

  /** A user's prompt count in one minute-long window; expires after two windows. */
  public static String promptRate(String userId, long minute) {
    return "aicoder:rl:prompt:" + userId + ":" + minute;
  }

  /**
   * Hash of a conversation: owner, title, team (when shared), createdAt, updatedAt, and appended
   * (messages ever appended, so a message's index survives trimming: the list's first element is
   * number {@code appended - LLEN}).
   */
  public static String conversation(String conversationId) {
    return "aicoder:conv:" + conversationId;
  }

  /**
   * Present (value: who deleted it) for {@link #DELETED_CONVERSATION_TTL_SECONDS} after a
   * conversation was deleted, so that nobody can claim its id again while clients still know it:
   * joins and prompts of it are refused, and its remaining viewers are dropped.
   */
  public static String deletedConversation(String conversationId) {
    return "aicoder:conv:" + conversationId + ":deleted";
  }

  /**
   * How long a deleted conversation's id stays unclaimable: far longer than a turn's records (a
   * day) or an open tab; ids are random UUIDs, so only those who saw it can know one.
   */
  public static final long DELETED_CONVERSATION_TTL_SECONDS = 30L * 24 * 3600;

  /** List of a conversation's messages as JSON, oldest first, trimmed to a bound. */
  public static String messages(String conversationId) {
    return "aicoder:conv:" + conversationId + ":messages";
  }

  /** Sorted set of a user's conversation ids by last activity. */
  public static String userConversations(String userId) {
    return "aicoder:user:" + userId + ":conversations";
  }

  /** The stream entry ID of the event with sequence number {@code seq}. */
  public static String entryId(long seq) {
    return "0-" + seq;
  }

  /** The sequence number of a turn stream entry ID. */
  public static long seqOf(String entryId) {
    return Long.parseLong(entryId.substring(entryId.indexOf('-') + 1));
  }
}
