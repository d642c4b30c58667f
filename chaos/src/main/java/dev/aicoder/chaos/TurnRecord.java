package dev.aicoder.chaos;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** One prompt the harness sent, and what the server made of it. */
final class TurnRecord {
  final int index;
  final Chaos.Conversation conversation;
  final String clientMsgId;
  final String text;
  final int tokens;

  /** normal, slow, fail (every attempt fails), fail-once, hang. */
  final String kind;

  /** The fault most recently injected when it was prompted; -1 before the first. */
  final int phase;

  /** The model fault it carries; -1 for none. */
  final int modelFault;

  final long promptedAt;
  final String prompter;
  volatile String turnId;
  volatile long acceptedAt;

  /** Other turn ids the same clientMsgId was answered with: one prompt made two turns. */
  final List<String> otherTurnIds = new CopyOnWriteArrayList<>();

  TurnRecord(
      int index,
      Chaos.Conversation conversation,
      String clientMsgId,
      String text,
      int tokens,
      String kind,
      int phase,
      int modelFault,
      long promptedAt,
      String prompter) {
    this.index = index;
    this.conversation = conversation;
    this.clientMsgId = clientMsgId;
    this.text = text;
    this.tokens = tokens;
    this.kind = kind;
    this.phase = phase;
    this.modelFault = modelFault;
    this.promptedAt = promptedAt;
    this.prompter = prompter;
  }

  /** Whether the model was told to fail every attempt or to hang: the turn must end in an error. */
  boolean mustFail() {
    return kind.equals("fail") || kind.equals("hang");
  }
}
