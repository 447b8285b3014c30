// Apache Kafka's Java AdminClient against a broker: prints describeCluster() as one JSON line.
// Usage: DescribeCluster <bootstrap servers>
// Exit 0 with {"clusterId":..,"controller":{..},"nodes":[{"id":..,"host":..,"port":..,"rack":..}]}, 1 on error.

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.common.Node;

public class DescribeCluster {
    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: DescribeCluster <bootstrap servers>");
            System.exit(2);
        }
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, args[0]);
        props.put(AdminClientConfig.CLIENT_ID_CONFIG, "tskafka-java-describe-cluster");
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "20000");
        try (Admin admin = Admin.create(props)) {
            DescribeClusterResult result = admin.describeCluster();
            String clusterId = result.clusterId().get(20, TimeUnit.SECONDS);
            Node controller = result.controller().get(20, TimeUnit.SECONDS);
            Collection<Node> nodes = result.nodes().get(20, TimeUnit.SECONDS);
            List<String> nodeJson = new ArrayList<>();
            for (Node n : nodes) nodeJson.add(node(n));
            System.out.println("{\"clusterId\":" + str(clusterId)
                + ",\"controller\":" + (controller == null || controller.isEmpty() ? "null" : node(controller))
                + ",\"nodes\":[" + String.join(",", nodeJson) + "]}");
        } catch (Exception e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            System.err.println("DescribeCluster: " + cause);
            System.exit(1);
        }
    }

    private static String node(Node n) {
        return "{\"id\":" + n.id() + ",\"host\":" + str(n.host()) + ",\"port\":" + n.port()
            + ",\"rack\":" + (n.hasRack() ? str(n.rack()) : "null") + "}";
    }

    private static String str(String s) {
        if (s == null) return "null";
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') b.append('\\').append(c);
            else if (c < 0x20) b.append(String.format("\\u%04x", (int) c));
            else b.append(c);
        }
        return b.append('"').toString();
    }
}
