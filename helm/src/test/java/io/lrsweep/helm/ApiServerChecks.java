package io.lrsweep.helm;

import com.fasterxml.jackson.databind.JsonNode;
import io.kubernetes.client.custom.Quantity;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks of a whole rendered release that an API server (or its controllers) would make and that
 * no schema catches: names, label syntax, selectors that select, references that resolve
 * (ports, volumes, ConfigMaps, Secrets, ServiceAccounts), GPU requests equal to limits, and the
 * security settings every lrsweep pod must have. Each finding names the object and the field.
 */
final class ApiServerChecks {
    private static final Pattern DNS1123_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
    private static final Pattern DNS1035_LABEL = Pattern.compile("[a-z]([-a-z0-9]*[a-z0-9])?");
    private static final Pattern DNS1123_SUBDOMAIN = Pattern.compile(
            "[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
    private static final Pattern QUALIFIED_NAME = Pattern.compile("([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]");
    private static final Pattern PORT_NAME = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
    private static final Pattern SECRET_LOOKING = Pattern.compile(".*(PASSWORD|SECRET|TOKEN|ACCESS_KEY).*");
    private static final String GPU = "nvidia.com/gpu";

    /**
     * What the release may refer to without rendering it.
     *
     * @param secrets Secrets made outside the chart, by name, with the keys they must hold
     * @param serviceAccounts ServiceAccounts made outside the chart
     */
    record Outside(Map<String, Set<String>> secrets, Set<String> serviceAccounts) {
    }

    private final List<Manifest> all;
    private final Outside outside;
    private final List<String> problems = new ArrayList<>();

    private ApiServerChecks(List<Manifest> all, Outside outside) {
        this.all = all;
        this.outside = outside;
    }

    /** Every finding of the release; empty when it would be accepted and work as wired. */
    static List<String> check(List<Manifest> manifests, Outside outside) {
        ApiServerChecks c = new ApiServerChecks(manifests, outside);
        for (Manifest m : manifests) {
            c.names(m);
            c.labels(m);
            if (m.isWorkload()) {
                c.workload(m);
            }
            switch (m.kind()) {
                case "Service" -> c.service(m);
                case "PodDisruptionBudget" -> c.disruptionBudget(m);
                case "PodMonitor" -> c.podMonitor(m);
                case "ServiceMonitor" -> c.serviceMonitor(m);
                case "PrometheusRule" -> c.prometheusRule(m);
                default -> {
                }
            }
        }
        return c.problems;
    }

    private void problem(Manifest m, String what) {
        problems.add(m.id() + ": " + what);
    }

    private void names(Manifest m) {
        String name = m.name();
        boolean ok = switch (m.kind()) {
            case "Service" -> name.length() <= 63 && DNS1035_LABEL.matcher(name).matches();
            case "ConfigMap", "Secret" -> name.length() <= 253 && DNS1123_SUBDOMAIN.matcher(name).matches();
            // The controller-revision-hash label (name + "-" + 10 characters) must stay within 63.
            case "StatefulSet" -> name.length() <= 52 && DNS1123_LABEL.matcher(name).matches();
            default -> name.length() <= 63 && DNS1123_LABEL.matcher(name).matches();
        };
        if (!ok) {
            problem(m, "metadata.name '" + name + "' is not a valid " + m.kind() + " name (DNS-1123/1035, length)");
        }
    }

    private void labels(Manifest m) {
        labelMap(m, "metadata.labels", m.body().path("metadata").path("labels"));
        annotationKeys(m, "metadata.annotations", m.body().path("metadata").path("annotations"));
        JsonNode template = m.podTemplate();
        if (!template.isMissingNode()) {
            labelMap(m, "spec.template.metadata.labels", template.path("metadata").path("labels"));
            annotationKeys(m, "spec.template.metadata.annotations", template.path("metadata").path("annotations"));
        }
        labelMap(m, "spec.selector.matchLabels", m.body().path("spec").path("selector").path("matchLabels"));
    }

    private void labelMap(Manifest m, String where, JsonNode labels) {
        for (Iterator<Map.Entry<String, JsonNode>> it = labels.fields(); it.hasNext(); ) {
            var e = it.next();
            if (!validKey(e.getKey())) {
                problem(m, where + " key '" + e.getKey() + "' is not a qualified name");
            }
            String v = e.getValue().asText();
            if (!e.getValue().isTextual() || v.length() > 63 || !(v.isEmpty() || QUALIFIED_NAME.matcher(v).matches())) {
                problem(m, where + "." + e.getKey() + " value '" + e.getValue() + "' is not a valid label value");
            }
        }
    }

    private void annotationKeys(Manifest m, String where, JsonNode annotations) {
        for (Iterator<Map.Entry<String, JsonNode>> it = annotations.fields(); it.hasNext(); ) {
            var e = it.next();
            if (!validKey(e.getKey())) {
                problem(m, where + " key '" + e.getKey() + "' is not a qualified name");
            }
            if (!e.getValue().isTextual()) {
                problem(m, where + "." + e.getKey() + " must be a string, is " + e.getValue());
            }
        }
    }

    private static boolean validKey(String key) {
        int slash = key.indexOf('/');
        String prefix = slash < 0 ? null : key.substring(0, slash);
        String name = slash < 0 ? key : key.substring(slash + 1);
        return (prefix == null || prefix.length() <= 253 && DNS1123_SUBDOMAIN.matcher(prefix).matches())
                && name.length() <= 63 && QUALIFIED_NAME.matcher(name).matches();
    }

    private void workload(Manifest m) {
        JsonNode template = m.podTemplate();
        JsonNode podLabels = template.path("metadata").path("labels");
        JsonNode selector = m.body().path("spec").path("selector");
        if (!m.kind().equals("Job")) {
            if (selector.path("matchLabels").isEmpty()) {
                problem(m, "spec.selector.matchLabels is empty");
            } else if (!selects(selector, podLabels)) {
                problem(m, "spec.selector " + selector + " does not match the pod template's labels " + podLabels);
            }
        }
        if (m.kind().equals("StatefulSet")) {
            String service = m.body().path("spec").path("serviceName").asText();
            if (all.stream().noneMatch(o -> o.kind().equals("Service") && o.name().equals(service))) {
                problem(m, "spec.serviceName '" + service + "' is not a rendered Service");
            }
        }
        if (m.kind().equals("Job")) {
            String restart = template.path("spec").path("restartPolicy").asText();
            if (!restart.equals("Never") && !restart.equals("OnFailure")) {
                problem(m, "spec.template.spec.restartPolicy must be Never or OnFailure, is '" + restart + "'");
            }
        }
        pod(m, template.path("spec"));
    }

    private void pod(Manifest m, JsonNode spec) {
        String sa = spec.path("serviceAccountName").asText("default");
        if (!sa.equals("default") && !outside.serviceAccounts().contains(sa)
                && all.stream().noneMatch(o -> o.kind().equals("ServiceAccount") && o.name().equals(sa))) {
            problem(m, "serviceAccountName '" + sa + "' is neither rendered nor made outside the chart");
        }
        if (!spec.path("automountServiceAccountToken").isBoolean() || spec.path("automountServiceAccountToken").asBoolean()) {
            problem(m, "spec.automountServiceAccountToken must be false (lrsweep never calls the API)");
        }
        JsonNode psc = spec.path("securityContext");
        if (!psc.path("runAsNonRoot").asBoolean(false)) {
            problem(m, "pod securityContext.runAsNonRoot must be true");
        }
        if (!"RuntimeDefault".equals(psc.path("seccompProfile").path("type").asText())) {
            problem(m, "pod securityContext.seccompProfile.type must be RuntimeDefault");
        }
        if (psc.path("runAsUser").asInt(1) == 0) {
            problem(m, "pod securityContext.runAsUser is 0 (root)");
        }
        Set<String> volumes = new HashSet<>();
        for (JsonNode v : spec.path("volumes")) {
            if (!volumes.add(v.path("name").asText())) {
                problem(m, "volume '" + v.path("name").asText() + "' is defined twice");
            }
            if (v.has("configMap")) {
                String cm = v.path("configMap").path("name").asText();
                if (all.stream().noneMatch(o -> o.kind().equals("ConfigMap") && o.name().equals(cm))) {
                    problem(m, "volume '" + v.path("name").asText() + "' mounts ConfigMap '" + cm + "', which is not rendered");
                }
            }
        }
        for (JsonNode claim : m.body().path("spec").path("volumeClaimTemplates")) {
            volumes.add(claim.path("metadata").path("name").asText());
        }
        Set<String> containerNames = new HashSet<>();
        for (JsonNode c : spec.path("containers")) {
            if (!containerNames.add(c.path("name").asText())) {
                problem(m, "container name '" + c.path("name").asText() + "' is used twice");
            }
            container(m, c, volumes);
        }
    }

    private void container(Manifest m, JsonNode c, Set<String> volumes) {
        String where = "container " + c.path("name").asText();
        JsonNode sc = c.path("securityContext");
        if (sc.path("allowPrivilegeEscalation").asBoolean(true)) {
            problem(m, where + ": securityContext.allowPrivilegeEscalation must be false");
        }
        if (!sc.path("readOnlyRootFilesystem").asBoolean(false)) {
            problem(m, where + ": securityContext.readOnlyRootFilesystem must be true");
        }
        if (sc.path("privileged").asBoolean(false)) {
            problem(m, where + ": securityContext.privileged must not be true");
        }
        boolean dropsAll = false;
        for (JsonNode d : sc.path("capabilities").path("drop")) {
            dropsAll |= d.asText().equals("ALL");
        }
        if (!dropsAll || !sc.path("capabilities").path("add").isEmpty()) {
            problem(m, where + ": securityContext.capabilities must drop ALL and add none");
        }
        if (sc.path("runAsUser").asInt(1) == 0) {
            problem(m, where + ": securityContext.runAsUser is 0 (root)");
        }
        Set<String> ports = new HashSet<>();
        for (JsonNode p : c.path("ports")) {
            String name = p.path("name").asText();
            if (!name.isEmpty() && (name.length() > 15 || !PORT_NAME.matcher(name).matches() || !name.matches(".*[a-z].*"))) {
                problem(m, where + ": port name '" + name + "' is not an IANA service name (15 characters, a-z0-9-)");
            }
            if (!name.isEmpty() && !ports.add(name)) {
                problem(m, where + ": port name '" + name + "' is used twice");
            }
        }
        for (String probe : List.of("readinessProbe", "livenessProbe", "startupProbe")) {
            JsonNode port = c.path(probe).path("httpGet").path("port");
            if (port.isTextual() && !ports.contains(port.asText())) {
                problem(m, where + ": " + probe + " uses port '" + port.asText() + "', which the container does not name");
            }
        }
        for (JsonNode mount : c.path("volumeMounts")) {
            if (!volumes.contains(mount.path("name").asText())) {
                problem(m, where + ": volumeMount '" + mount.path("name").asText() + "' has no volume");
            }
        }
        env(m, where, c.path("env"));
        resources(m, where, c.path("resources"));
    }

    private void env(Manifest m, String where, JsonNode env) {
        Set<String> names = new HashSet<>();
        for (JsonNode e : env) {
            String name = e.path("name").asText();
            if (!names.add(name)) {
                problem(m, where + ": env " + name + " is set twice");
            }
            if (e.has("value") && SECRET_LOOKING.matcher(name).matches()) {
                problem(m, where + ": env " + name + " looks like a secret but has a plain value; use secretKeyRef");
            }
            JsonNode ref = e.path("valueFrom").path("secretKeyRef");
            if (!ref.isMissingNode()) {
                String secret = ref.path("name").asText();
                String key = ref.path("key").asText();
                Set<String> keys = outside.secrets().get(secret);
                Manifest rendered = all.stream().filter(o -> o.kind().equals("Secret") && o.name().equals(secret))
                        .findFirst().orElse(null);
                if (keys == null && rendered == null) {
                    problem(m, where + ": env " + name + " refers to Secret '" + secret
                            + "', which is neither rendered nor configured");
                } else if (keys != null ? !keys.contains(key) : !rendered.body().path("data").has(key)
                        && !rendered.body().path("stringData").has(key)) {
                    problem(m, where + ": env " + name + " refers to key '" + key + "' of Secret '" + secret
                            + "', which the values do not name");
                }
            }
        }
    }

    private void resources(Manifest m, String where, JsonNode resources) {
        JsonNode requests = resources.path("requests");
        JsonNode limits = resources.path("limits");
        for (Iterator<String> it = requests.fieldNames(); it.hasNext(); ) {
            String r = it.next();
            if (limits.has(r) && quantity(requests.get(r)).compareTo(quantity(limits.get(r))) > 0) {
                problem(m, where + ": resources.requests." + r + " exceeds its limit");
            }
        }
        if (requests.has(GPU) || limits.has(GPU)) {
            if (!requests.has(GPU) || !limits.has(GPU)
                    || quantity(requests.get(GPU)).compareTo(quantity(limits.get(GPU))) != 0) {
                problem(m, where + ": " + GPU + " requests must equal limits (requests " + requests.path(GPU)
                        + ", limits " + limits.path(GPU) + ")");
            }
        }
    }

    private static java.math.BigDecimal quantity(JsonNode q) {
        return new Quantity(q.asText()).getNumber();
    }

    private void service(Manifest m) {
        JsonNode selector = m.body().path("spec").path("selector");
        List<JsonNode> pods = podTemplatesSelectedBy(selector);
        if (selector.isEmpty() || pods.isEmpty()) {
            problem(m, "spec.selector " + selector + " selects no rendered pod");
            return;
        }
        for (JsonNode p : m.body().path("spec").path("ports")) {
            JsonNode target = p.path("targetPort");
            if (target.isTextual() && pods.stream().noneMatch(t -> namesPort(t, target.asText()))) {
                problem(m, "port " + p.path("name").asText() + ": targetPort '" + target.asText()
                        + "' is no container port of the selected pods");
            }
        }
    }

    private void disruptionBudget(Manifest m) {
        JsonNode selector = m.body().path("spec").path("selector");
        if (podTemplatesSelectedBy(selector).isEmpty()) {
            problem(m, "spec.selector " + selector + " selects no rendered pod");
        }
        JsonNode max = m.body().path("spec").path("maxUnavailable");
        if (m.body().path("spec").has("minAvailable") || !(max.isInt() && max.asInt() >= 1)) {
            problem(m, "a budget must let at least one pod go (maxUnavailable >= 1, no minAvailable), or node drains block");
        }
    }

    private void podMonitor(Manifest m) {
        JsonNode selector = m.body().path("spec").path("selector");
        List<JsonNode> pods = podTemplatesSelectedBy(selector);
        if (pods.isEmpty()) {
            problem(m, "spec.selector " + selector + " selects no rendered pod");
        }
        for (JsonNode e : m.body().path("spec").path("podMetricsEndpoints")) {
            String port = e.path("port").asText();
            if (pods.stream().noneMatch(t -> namesPort(t, port))) {
                problem(m, "podMetricsEndpoints port '" + port + "' is no container port of the selected pods");
            }
        }
    }

    private void serviceMonitor(Manifest m) {
        JsonNode selector = m.body().path("spec").path("selector");
        List<Manifest> services = all.stream().filter(o -> o.kind().equals("Service")
                && selects(selector, o.body().path("metadata").path("labels"))).toList();
        if (services.isEmpty()) {
            problem(m, "spec.selector " + selector + " selects no rendered Service");
        }
        for (JsonNode e : m.body().path("spec").path("endpoints")) {
            String port = e.path("port").asText();
            boolean found = services.stream().anyMatch(s -> {
                for (JsonNode p : s.body().path("spec").path("ports")) {
                    if (p.path("name").asText().equals(port)) {
                        return true;
                    }
                }
                return false;
            });
            if (!found) {
                problem(m, "endpoints port '" + port + "' is no port of the selected Services");
            }
        }
    }

    private void prometheusRule(Manifest m) {
        JsonNode groups = m.body().path("spec").path("groups");
        if (groups.isEmpty()) {
            problem(m, "spec.groups is empty");
        }
        for (JsonNode g : groups) {
            for (JsonNode r : g.path("rules")) {
                if (!(r.hasNonNull("alert") ^ r.hasNonNull("record")) || !r.hasNonNull("expr")) {
                    problem(m, "group " + g.path("name").asText() + ": a rule needs expr and one of alert, record: " + r);
                }
            }
        }
    }

    private List<JsonNode> podTemplatesSelectedBy(JsonNode selector) {
        List<JsonNode> out = new ArrayList<>();
        if (selector.isMissingNode() || selector.isEmpty()) {
            return out;
        }
        for (Manifest o : all) {
            if (o.isWorkload() && selects(selector, o.podTemplate().path("metadata").path("labels"))) {
                out.add(o.podTemplate());
            }
        }
        return out;
    }

    /** A label selector (matchLabels, or a Service's plain map) against labels. */
    private static boolean selects(JsonNode selector, JsonNode labels) {
        JsonNode match = selector.has("matchLabels") ? selector.path("matchLabels") : selector;
        if (selector.has("matchExpressions")) {
            return false; // the chart uses none; say so rather than half-evaluate them
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = match.fields(); it.hasNext(); ) {
            var e = it.next();
            if (!e.getValue().asText().equals(labels.path(e.getKey()).asText(null))) {
                return false;
            }
        }
        return true;
    }

    private static boolean namesPort(JsonNode podTemplate, String port) {
        for (JsonNode c : podTemplate.path("spec").path("containers")) {
            for (JsonNode p : c.path("ports")) {
                if (p.path("name").asText().equals(port)) {
                    return true;
                }
            }
        }
        return false;
    }
}
