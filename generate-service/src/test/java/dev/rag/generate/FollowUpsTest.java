package dev.rag.generate;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class FollowUpsTest {

  private static ChatMessage user(String text) {
    return new ChatMessage("user", text);
  }

  private static ChatMessage assistant(String text) {
    return new ChatMessage("assistant", text);
  }

  @Test
  void putsThePreviousQuestionInFrontOfAFollowUp() {
    assertThat(
            FollowUps.standalone(
                List.of(
                    user("Who wrote the ColBERT paper?"),
                    assistant("Omar Khattab and Matei Zaharia [1]."),
                    user("What about its second author?"))))
        .isEqualTo("Who wrote the ColBERT paper? What about its second author?");
    assertThat(
            FollowUps.standalone(
                List.of(user("How do Kafka brokers store records?"), user("And replication?"))))
        .isEqualTo("How do Kafka brokers store records? And replication?");
    assertThat(FollowUps.standalone(List.of(user("What is BM25?"), user("Why?"))))
        .isEqualTo("What is BM25? Why?");
  }

  @Test
  void leavesAStandaloneQuestionAlone() {
    assertThat(
            FollowUps.standalone(
                List.of(
                    user("Who wrote the ColBERT paper?"),
                    assistant("Omar Khattab [1]."),
                    user("Which datasets does SciFact contain?"))))
        .isEqualTo("Which datasets does SciFact contain?");
    assertThat(
            FollowUps.standalone(
                List.of(new ChatMessage("system", "Be brief."), user("What is Qdrant?"))))
        .isEqualTo("What is Qdrant?");
  }
}
