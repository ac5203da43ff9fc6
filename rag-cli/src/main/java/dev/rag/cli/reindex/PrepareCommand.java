package dev.rag.cli.reindex;

import dev.rag.common.ConsumerGroups;
import dev.rag.common.Topics;
import dev.rag.pipeline.KafkaClients;
import jakarta.inject.Inject;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code rag reindex prepare --model ID}: positions the new model's embed consumer group at the end
 * of rag.chunks.v1, so the new instance embeds the replay and live events, not the topic's past. A
 * group that has positions already keeps them.
 */
@Command(
    name = "prepare",
    mixinStandardHelpOptions = true,
    description = "Start the new model's embed consumer group at the end of the chunks topic.")
public class PrepareCommand implements Callable<Integer> {

  @Mixin ModelOption model;

  @Inject KafkaClients kafka;

  @Override
  public Integer call() throws Exception {
    String group = ConsumerGroups.embed(model.model());
    try (Admin admin = kafka.admin(Map.of())) {
      Map<TopicPartition, OffsetAndMetadata> committed =
          admin
              .listConsumerGroupOffsets(group)
              .partitionsToOffsetAndMetadata()
              .get(30, TimeUnit.SECONDS);
      if (!committed.isEmpty()) {
        System.err.printf("Consumer group %s already has positions; keeping them.%n", group);
        return 0;
      }
      List<TopicPartition> partitions =
          admin
              .describeTopics(List.of(Topics.CHUNKS))
              .allTopicNames()
              .get(30, TimeUnit.SECONDS)
              .get(Topics.CHUNKS)
              .partitions()
              .stream()
              .map(p -> new TopicPartition(Topics.CHUNKS, p.partition()))
              .toList();
      Map<TopicPartition, ListOffsetsResultInfo> ends =
          admin
              .listOffsets(
                  partitions.stream().collect(Collectors.toMap(p -> p, p -> OffsetSpec.latest())))
              .all()
              .get(30, TimeUnit.SECONDS);
      Map<TopicPartition, OffsetAndMetadata> positions = new HashMap<>();
      ends.forEach((p, info) -> positions.put(p, new OffsetAndMetadata(info.offset())));
      admin.alterConsumerGroupOffsets(group, positions).all().get(30, TimeUnit.SECONDS);
      System.err.printf("Consumer group %s starts at the end of %s.%n", group, Topics.CHUNKS);
    }
    return 0;
  }
}
