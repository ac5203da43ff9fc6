package dev.rag.cli;

import dev.rag.common.KafkaAccess;
import dev.rag.common.KafkaAccess.Service;
import dev.rag.common.TopicProvisioner;
import dev.rag.pipeline.KafkaClients;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.resource.PatternType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code rag kafka-acls}: prepares a secured Kafka cluster for the services, as its operator (a
 * principal allowed to create topics and ACLs): creates the pipeline's topics, then gives each
 * service's principal the ACLs of {@link KafkaAccess} and nothing more.
 */
@Command(
    name = "kafka-acls",
    mixinStandardHelpOptions = true,
    description =
        "Create the pipeline's topics and each service's ACLs on a secured Kafka cluster"
            + " (run as its operator).")
public class KafkaAclsCommand implements Callable<Integer> {

  @Option(
      names = "--principal",
      description =
          "a service's principal, as SERVICE=PRINCIPAL (default: User:ingest, User:embed,"
              + " User:retrieve)")
  Map<String, String> principals = Map.of();

  @Option(names = "--partitions", defaultValue = "3", description = "of the event topics")
  int partitions;

  @Option(names = "--dry-run", description = "print the ACLs; change nothing")
  boolean dryRun;

  @Inject KafkaClients kafka;

  @Override
  public Integer call() throws Exception {
    Map<Service, String> byService = new EnumMap<>(Service.class);
    for (Service s : Service.values()) {
      byService.put(s, "User:" + s.id());
    }
    for (Map.Entry<String, String> e : principals.entrySet()) {
      Service service;
      try {
        service = Service.valueOf(e.getKey().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException unknown) {
        System.err.println("rag: --principal " + e.getKey() + ": not ingest, embed or retrieve");
        return 2;
      }
      byService.put(service, e.getValue());
    }
    List<AclBinding> acls = new ArrayList<>();
    byService.forEach(
        (service, principal) -> acls.addAll(KafkaAccess.bindings(service, principal)));
    for (AclBinding acl : acls) {
      System.out.printf(
          "  %-16s %-9s %-8s %s %s%n",
          acl.entry().principal(),
          acl.entry().operation(),
          acl.pattern().resourceType(),
          acl.pattern().name(),
          acl.pattern().patternType() == PatternType.PREFIXED ? "(prefix)" : "");
    }
    if (dryRun) {
      return 0;
    }
    var created =
        TopicProvisioner.ensure(
            kafka.config(Map.of()),
            TopicProvisioner.pipelineTopics(partitions),
            Duration.ofSeconds(30));
    try (Admin admin = kafka.admin(Map.of())) {
      admin.createAcls(acls).all().get(30, TimeUnit.SECONDS);
    }
    System.out.printf(
        "Kafka at %s: %d topics created, %d ACLs in force for %d services%n",
        kafka.bootstrapServers(), created.size(), acls.size(), byService.size());
    return 0;
  }
}
