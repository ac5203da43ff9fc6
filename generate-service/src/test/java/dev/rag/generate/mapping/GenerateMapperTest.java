package dev.rag.generate.mapping;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rag.generate.Answer;
import dev.rag.generate.ChatMessage;
import dev.rag.generate.ChatRequest;
import dev.rag.generate.RetrievedPassage;
import dev.rag.generate.SourceRef;
import dev.rag.proto.v1.GenerateRequest;
import dev.rag.proto.v1.GenerateResponse;
import dev.rag.proto.v1.Source;
import java.util.List;
import org.junit.jupiter.api.Test;

class GenerateMapperTest {

  @Test
  void aRequestKeepsItsConversationTopKAndSources() {
    ChatRequest request =
        GenerateMapper.request(
            GenerateRequest.newBuilder()
                .addMessages(
                    dev.rag.proto.v1.ChatMessage.newBuilder().setRole("user").setContent("Hi"))
                .addMessages(
                    dev.rag.proto.v1.ChatMessage.newBuilder()
                        .setRole("assistant")
                        .setContent("Hello"))
                .setTopK(3)
                .addSources("wiki")
                .build());

    assertThat(request.messages())
        .containsExactly(new ChatMessage("user", "Hi"), new ChatMessage("assistant", "Hello"));
    assertThat(request.topK()).isEqualTo(3);
    assertThat(request.sources()).containsExactly("wiki");
    assertThat(request.maxTokens()).isZero();
    assertThat(request.temperature()).isNull();
    assertThat(request.stop()).isEmpty();
  }

  @Test
  void anEmptyRequestMeansTheDefaults() {
    ChatRequest request = GenerateMapper.request(GenerateRequest.getDefaultInstance());

    assertThat(request.messages()).isEmpty();
    assertThat(request.topK()).isZero();
    assertThat(request.sources()).isEmpty();
  }

  @Test
  void theStreamCarriesPiecesThenEverySourceFieldThenTheFinishReason() {
    RetrievedPassage passage =
        new RetrievedPassage("wiki", "d1", "Replication", "Intro", 3, "Each...", 0.5, 2, 4);
    Answer answer =
        new Answer(
            "A [1].",
            List.of(new SourceRef(1, passage, true), new SourceRef(2, passage, false)),
            "length",
            10,
            2);

    assertThat(GenerateMapper.delta(" piece").getDelta()).isEqualTo(" piece");
    GenerateResponse sources = GenerateMapper.sources(answer);
    assertThat(sources.getSources().getSourcesList())
        .extracting(Source::getNumber)
        .containsExactly(1, 2);
    Source first = sources.getSources().getSources(0);
    assertThat(first.getSource()).isEqualTo("wiki");
    assertThat(first.getDocumentId()).isEqualTo("d1");
    assertThat(first.getTitle()).isEqualTo("Replication");
    assertThat(first.getChunkIndex()).isEqualTo(3);
    assertThat(first.getText()).isEqualTo("Each...");
    assertThat(first.getScore()).isEqualTo(0.5);
    assertThat(first.getPageStart()).isEqualTo(2);
    assertThat(first.getPageEnd()).isEqualTo(4);
    assertThat(GenerateMapper.finish(answer).getFinishReason()).isEqualTo("length");
  }

  @Test
  void anAnswerWithoutSourcesStillSendsAnEmptySourceList() {
    GenerateResponse sources =
        GenerateMapper.sources(new Answer("No passages.", List.of(), "stop", 0, 0));

    assertThat(sources.hasSources()).isTrue();
    assertThat(sources.getSources().getSourcesList()).isEmpty();
  }
}
