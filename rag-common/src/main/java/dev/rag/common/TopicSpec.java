package dev.rag.common;

import java.util.Map;

/**
 * A topic as a service needs it to exist.
 *
 * @param name topic name
 * @param partitions partition count used when the topic is created
 * @param configs topic-level configuration used when the topic is created
 */
public record TopicSpec(String name, int partitions, Map<String, String> configs) {

  /** A delete-policy topic that accepts records up to {@link Topics#MAX_MESSAGE_BYTES}. */
  public static TopicSpec log(String name, int partitions) {
    return new TopicSpec(
        name, partitions, Map.of("max.message.bytes", Integer.toString(Topics.MAX_MESSAGE_BYTES)));
  }

  /** A compacted topic: the latest record per key is kept forever, tombstones delete. */
  public static TopicSpec compacted(String name, int partitions) {
    return new TopicSpec(
        name,
        partitions,
        Map.of(
            "cleanup.policy",
            "compact",
            "max.message.bytes",
            Integer.toString(Topics.MAX_MESSAGE_BYTES)));
  }
}
