package dev.aicoder.ai.service;

import dev.aicoder.protocol.ChatMessage;
import dev.aicoder.protocol.Frame;
import dev.aicoder.protocol.TurnRequest;
import dev.langchain4j.model.openai.internal.chat.AssistantMessage;
import dev.langchain4j.model.openai.internal.chat.Message;
import dev.langchain4j.model.openai.internal.chat.SystemMessage;
import dev.langchain4j.model.openai.internal.chat.UserMessage;
import java.util.ArrayList;
import java.util.List;

/** Builds the messages sent to the model: the system prompt, recent history, the user's prompt. */
final class PromptBuilder {

  static final String SYSTEM_PROMPT =
      """
      You are AI-Coder, a coding assistant inside a web IDE. Answer precisely and briefly.
      Put code in fenced Markdown blocks with a language tag, and when you change an existing
      file, show the whole changed part so the user can apply it. Say so when you are unsure.
      """;

  private PromptBuilder() {}

  static List<Message> build(TurnRequest request, List<ChatMessage> history) {
    List<Message> messages = new ArrayList<>(history.size() + 2);
    messages.add(SystemMessage.from(SYSTEM_PROMPT));
    for (ChatMessage m : history) {
      messages.add(
          "assistant".equals(m.role())
              ? AssistantMessage.from(m.text())
              : UserMessage.from(m.text()));
    }
    messages.add(UserMessage.from(userText(request)));
    return messages;
  }

  private static String userText(TurnRequest request) {
    List<Frame.ContextRef> context = request.context();
    StringBuilder text = new StringBuilder(request.text());
    String heading = "\n\nAttached files:";
    for (Frame.ContextRef ref : context == null ? List.<Frame.ContextRef>of() : context) {
      // A request may come from an older or buggy sender: an empty entry names no file, skip it.
      if (ref == null || ref.path() == null || ref.path().isBlank()) {
        continue;
      }
      text.append(heading).append("\n- ").append(ref.path());
      heading = "";
    }
    return text.toString();
  }
}
