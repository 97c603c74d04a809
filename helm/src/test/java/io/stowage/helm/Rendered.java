package io.stowage.helm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;

/** The chart rendered by Helm ({@code helm template}), parsed into its Kubernetes objects. */
final class Rendered {
    static final Path CHART = Path.of(System.getProperty("stowage.chart", "stowage")).toAbsolutePath();
    static final Path PRODUCTION_VALUES = CHART.resolve("ci/production-values.yaml");
    static final String RELEASE = "archive";
    static final String NAMESPACE = "kafka-archive";
    static final String FULLNAME = "archive-stowage";
    /** Helm as a library assumes Kubernetes 1.20, older than the chart's kubeVersion. */
    static final String KUBE_VERSION = "1.30.0";

    /** The values the chart cannot do without; everything else stays at its default. */
    static final Map<String, String> REQUIRED = Map.of(
            "database.url", "jdbc:postgresql://postgres:5432/stowage",
            "s3.bucket", "archive",
            "kafka.bootstrapServers", "kafka:9092");

    private static final YAMLMapper YAML = new YAMLMapper();

    final String text;
    final List<JsonNode> objects;

    private Rendered(String text, List<JsonNode> objects) {
        this.text = text;
        this.objects = objects;
    }

    /** Renders with the values of {@code valuesFile} (may be null), then {@code set} on top. */
    static Rendered render(Path valuesFile, Map<String, String> set) {
        TemplateCommand template = new Helm(CHART).template().withName(RELEASE).withNamespace(NAMESPACE)
                .withKubeVersion(KUBE_VERSION);
        if (valuesFile != null) {
            template.withValuesFile(valuesFile);
        }
        set.forEach(template::set);
        String text = template.call();
        return new Rendered(text, parse(text));
    }

    static Rendered withRequiredValuesOnly() {
        return render(null, REQUIRED);
    }

    static Rendered production() {
        return render(PRODUCTION_VALUES, Map.of());
    }

    /** {@link #REQUIRED} plus {@code more}. */
    static Map<String, String> required(Map<String, String> more) {
        Map<String, String> all = new LinkedHashMap<>(REQUIRED);
        all.putAll(more);
        return all;
    }

    List<JsonNode> ofKind(String kind) {
        return objects.stream().filter(o -> kind.equals(o.path("kind").asText())).collect(Collectors.toList());
    }

    JsonNode get(String kind, String name) {
        return objects.stream()
                .filter(o -> kind.equals(o.path("kind").asText()) && name.equals(o.at("/metadata/name").asText()))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no " + kind + " " + name + " in:\n" + text));
    }

    JsonNode deployment(String component) {
        return get("Deployment", FULLNAME + "-" + component);
    }

    /** The one container of a component's pod. */
    JsonNode container(String component) {
        JsonNode containers = deployment(component).at("/spec/template/spec/containers");
        if (containers.size() != 1) {
            throw new AssertionError("expected one container in " + component + ", got " + containers);
        }
        return containers.get(0);
    }

    /** A container's env entries by name. */
    Map<String, JsonNode> env(String component) {
        Map<String, JsonNode> env = new LinkedHashMap<>();
        container(component).path("env").forEach(e -> env.put(e.path("name").asText(), e));
        return env;
    }

    /** The data of the ConfigMap a component's container reads its environment from. */
    Map<String, String> config(String component) {
        JsonNode envFrom = container(component).path("envFrom");
        if (envFrom.size() != 1) {
            throw new AssertionError("expected one envFrom in " + component + ", got " + envFrom);
        }
        String name = envFrom.at("/0/configMapRef/name").asText();
        Map<String, String> data = new LinkedHashMap<>();
        get("ConfigMap", name).path("data").properties().forEach(f -> data.put(f.getKey(), f.getValue().asText()));
        return data;
    }

    /** A pod volume of a component by name. */
    JsonNode volume(String component, String name) {
        return StreamSupport.stream(deployment(component).at("/spec/template/spec/volumes").spliterator(), false)
                .filter(v -> name.equals(v.path("name").asText()))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no volume " + name + " in " + component));
    }

    /** Where a component's container mounts each volume. */
    Map<String, String> mounts(String component) {
        Map<String, String> mounts = new LinkedHashMap<>();
        container(component).path("volumeMounts").forEach(
                m -> mounts.put(m.path("name").asText(), m.path("mountPath").asText()));
        return mounts;
    }

    /** A JSON string, to compare with the nodes of a rendered object. */
    static JsonNode text(String s) {
        return TextNode.valueOf(s);
    }

    /** A container's ports, name to number. */
    static Map<String, Integer> ports(JsonNode container) {
        Map<String, Integer> ports = new LinkedHashMap<>();
        container.path("ports").forEach(p -> ports.put(p.path("name").asText(), p.path("containerPort").asInt()));
        return ports;
    }

    /** A Service's ports, name to "port->targetPort". */
    static Map<String, String> servicePorts(JsonNode service) {
        Map<String, String> ports = new LinkedHashMap<>();
        service.at("/spec/ports").forEach(p -> ports.put(p.path("name").asText(),
                p.path("port").asInt() + "->" + p.path("targetPort").asText()));
        return ports;
    }

    /** Whether a label selector (a map of labels) selects an object with these labels. */
    static boolean selects(JsonNode selector, JsonNode labels) {
        if (selector.size() == 0) {
            throw new AssertionError("an empty selector selects everything");
        }
        return selector.properties().stream().allMatch(label -> label.getValue().equals(labels.path(label.getKey())));
    }

    private static List<JsonNode> parse(String text) {
        List<JsonNode> objects = new ArrayList<>();
        try (MappingIterator<JsonNode> docs = YAML.readerFor(JsonNode.class).readValues(text)) {
            while (docs.hasNextValue()) {
                JsonNode doc = docs.nextValue();
                if (doc != null && doc.isObject() && doc.size() > 0) {
                    objects.add(doc);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("the rendered chart is not YAML:\n" + text, e);
        }
        return objects;
    }
}
