package dev.aicoder.chat.service;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ConversationTitleTest {

  @Test
  void theFirstNonBlankLineTrimmed() {
    assertThat(ConversationTitle.fromPrompt("\n   \n  Explain   hello.py\tplease  \nmore"))
        .isEqualTo("Explain hello.py please");
  }

  @Test
  void aLongLineIsCutAtAWordWithAnEllipsis() {
    String title =
        ConversationTitle.fromPrompt(
            "Why does the autosave of the editor lose the last keystroke when the tab closes?");
    assertThat(title)
        .isEqualTo("Why does the autosave of the editor lose the last keystroke\u2026")
        .hasSizeLessThanOrEqualTo(ConversationTitle.MAX + 1);
  }

  @Test
  void aLongWordIsCutWhereItMustBeWithoutSplittingACharacter() {
    String title = ConversationTitle.fromPrompt("\uD83D\uDE00".repeat(80));
    assertThat(title.codePointCount(0, title.length())).isEqualTo(ConversationTitle.MAX + 1);
    assertThat(title).endsWith("\uD83D\uDE00\u2026");
  }

  @Test
  void controlAndBidiCharactersAreDropped() {
    assertThat(ConversationTitle.fromPrompt("fix \u202Egnp.exe\u0007 now\u0000"))
        .isEqualTo("fix gnp.exe now");
  }

  @Test
  void aPromptWithNothingPrintableGetsAPlainTitle() {
    assertThat(ConversationTitle.fromPrompt("\u200B\n\u202E  ")).isEqualTo("New conversation");
  }
}
