package dev.rag.common;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

/**
 * What each service may do on a secured Kafka cluster: the ACLs of its principal, and nothing more.
 * A service reads the topics it consumes, writes those it produces to, and joins only its own
 * consumer groups; ingest cannot write {@value Topics#EMBEDDINGS}, embed cannot read {@value
 * Topics#DOCUMENTS}, and so on. generate-service does not use Kafka and gets no ACL at all.
 *
 * <p>Topics are created by the cluster's operator (or an admin principal), not by the services:
 * none of them may create topics. The Helm chart's Strimzi {@code KafkaUser} resources spell the
 * same lists (a chart test compares them with this class).
 */
public final class KafkaAccess {

  /** The services that use Kafka, by the name their principal is given by default. */
  public enum Service {
    INGEST,
    EMBED,
    RETRIEVE;

    /** The service's short name: {@code ingest}, {@code embed}, {@code retrieve}. */
    public String id() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** One grant: an operation on a resource pattern. */
  public record Grant(ResourceType type, String name, PatternType pattern, AclOperation operation) {

    /** The grant as the broker's ACL of {@code principal} ({@code User:<name>}). */
    public AclBinding binding(String principal) {
      return new AclBinding(
          new ResourcePattern(type, name, pattern),
          new AccessControlEntry(principal, "*", operation, AclPermissionType.ALLOW));
    }
  }

  private KafkaAccess() {}

  /** The grants of one service. */
  public static List<Grant> grants(Service service) {
    List<Grant> grants = new ArrayList<>();
    switch (service) {
      case INGEST -> {
        // Uploads are written to the documents topic and read back from it (one path for every
        // door); the status store reads the status topic whole.
        read(grants, Topics.DOCUMENTS);
        write(grants, Topics.DOCUMENTS);
        write(grants, Topics.CHUNKS);
        read(grants, Topics.STATUS);
        write(grants, Topics.STATUS);
        write(grants, Topics.deadLetter(Topics.DOCUMENTS));
        group(grants, "ingest-");
      }
      case EMBED -> {
        read(grants, Topics.CHUNKS);
        write(grants, Topics.EMBEDDINGS);
        write(grants, Topics.STATUS);
        write(grants, Topics.deadLetter(Topics.CHUNKS));
        group(grants, ConsumerGroups.embed(""));
      }
      case RETRIEVE -> {
        read(grants, Topics.EMBEDDINGS);
        write(grants, Topics.STATUS);
        write(grants, Topics.deadLetter(Topics.EMBEDDINGS));
        group(grants, ConsumerGroups.RETRIEVE);
      }
    }
    // A topic read and written is described once.
    return List.copyOf(new LinkedHashSet<>(grants));
  }

  /** The ACLs of one service's principal ({@code User:<name>}). */
  public static List<AclBinding> bindings(Service service, String principal) {
    return grants(service).stream().map(g -> g.binding(principal)).toList();
  }

  private static void read(List<Grant> grants, String topic) {
    grants.add(topic(topic, AclOperation.READ));
    grants.add(topic(topic, AclOperation.DESCRIBE));
  }

  private static void write(List<Grant> grants, String topic) {
    grants.add(topic(topic, AclOperation.WRITE));
    grants.add(topic(topic, AclOperation.DESCRIBE));
  }

  private static Grant topic(String name, AclOperation operation) {
    return new Grant(ResourceType.TOPIC, name, PatternType.LITERAL, operation);
  }

  /** Every group whose name starts with {@code prefix}: the service's own. */
  private static void group(List<Grant> grants, String prefix) {
    grants.add(new Grant(ResourceType.GROUP, prefix, PatternType.PREFIXED, AclOperation.READ));
    grants.add(new Grant(ResourceType.GROUP, prefix, PatternType.PREFIXED, AclOperation.DESCRIBE));
  }
}
