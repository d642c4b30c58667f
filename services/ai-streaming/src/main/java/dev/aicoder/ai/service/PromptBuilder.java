package dev.aicoder.ai.service;

import dev.aicoder.protocol.ChatMessage;
import dev.aicoder.protocol.TurnRequest;
import dev.langchain4j.model.openai.internal.chat.AssistantMessage;
import dev.langchain4j.model.openai.internal.chat.Message;
import dev.langchain4j.model.openai.internal.chat.SystemMessage;
import dev.langchain4j.model.openai.internal.chat.UserMessage;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds the messages sent to the model: the system prompt, recent history, the user's prompt with
 * its attached files.
 */
final class PromptBuilder {

  static final String SYSTEM_PROMPT =
      """
      You are AI-Coder, a coding assistant inside a web IDE. Answer precisely and briefly.
      Put code in fenced Markdown blocks with a language tag, and when you change an existing
      file, show the whole changed part so the user can apply it. Say so when you are unsure.
      """;

  private PromptBuilder() {}

  /**
   * @param attached the workspace files attached to the prompt, as {@link PromptContext} renders
   *     them
   */
  static List<Message> build(TurnRequest request, List<ChatMessage> history, String attached) {
    List<Message> messages = new ArrayList<>(history.size() + 2);
    messages.add(SystemMessage.from(SYSTEM_PROMPT));
    for (ChatMessage m : history) {
      messages.add(
          "assistant".equals(m.role())
              ? AssistantMessage.from(m.text())
              : UserMessage.from(m.text()));
    }
    messages.add(UserMessage.from(request.text() + attached));
    return messages;
  }
}
