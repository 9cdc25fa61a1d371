package io.driftline.sandbox.scale;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupListing;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Reads how far each consumer group trails the end of the given topics (end offset minus committed
 * offset, summed over partitions): the records a service has not yet accepted. The drift detector's
 * Streams application and the teacher's intake are such groups.
 */
final class ConsumerLag {

  private ConsumerLag() {}

  /** {@code {"consumerLag": {"<group> <topic>": records, ...}}}; empty if the broker does not answer. */
  static ObjectNode read(String kafka, Collection<String> topics) {
    ObjectNode result = JsonMapper.builder().build().createObjectNode();
    ObjectNode lag = result.putObject("consumerLag");
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka))) {
      Map<TopicPartition, Long> ends = new HashMap<>();
      Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
      for (var d : admin.describeTopics(topics).allTopicNames().get(30, TimeUnit.SECONDS).values()) {
        d.partitions().forEach(p -> latest.put(new TopicPartition(d.name(), p.partition()), OffsetSpec.latest()));
      }
      admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS).forEach((tp, info) -> ends.put(tp, info.offset()));
      @SuppressWarnings("deprecation")
      Collection<ConsumerGroupListing> groups = admin.listConsumerGroups().all().get(30, TimeUnit.SECONDS);
      for (ConsumerGroupListing g : groups) {
        Map<TopicPartition, OffsetAndMetadata> committed =
            admin.listConsumerGroupOffsets(g.groupId()).partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
        for (String topic : topics) {
          long behind = 0;
          boolean follows = false;
          for (Map.Entry<TopicPartition, Long> e : ends.entrySet()) {
            if (!e.getKey().topic().equals(topic)) {
              continue;
            }
            OffsetAndMetadata c = committed.get(e.getKey());
            if (c != null) {
              follows = true;
              behind += Math.max(0, e.getValue() - c.offset());
            }
          }
          if (follows) {
            lag.put(g.groupId() + " " + topic, behind);
          }
        }
      }
    } catch (Exception e) {
      lag.put("error", e.toString());
    }
    return result;
  }
}
