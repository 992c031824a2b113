package dev.cortado.runtime.network;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cortado.cri.v1.PodSandboxConfig;
import dev.cortado.cri.v1.PodSandboxMetadata;
import dev.cortado.rpc.CriException;
import io.grpc.Status;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

/**
 * Pods' CNI networking: ADD when a pod starts, DEL when it stops, CHECK on demand, with the
 * chain run as libcni runs it (each plugin gets the previous one's result as prevResult, DEL in
 * reverse order with the cached result) and every attachment cached under the state directory.
 */
public final class PodNetwork {

    /** The interface every pod gets, as the kubelet's network plugins always named it. */
    public static final String IF_NAME = "eth0";
    private static final Logger LOG = Logger.getLogger(PodNetwork.class.getName());

    private final NetworkConfigSource source;
    private final NetworkCache cache;
    private final PluginExecutor executor;
    private final Map<String, PodAddresses> addresses = new ConcurrentHashMap<>();
    private volatile String podCidr = "";

    public PodNetwork(NetworkConfigSource source, Path stateDir, Duration pluginTimeout) {
        this.source = source;
        this.cache = new NetworkCache(stateDir.resolve("network"));
        this.executor = new PluginExecutor(stateDir.resolve("network").resolve("plugin-output"), pluginTimeout);
    }

    /** The network's readiness right now, for the NetworkReady condition. */
    public NetworkState state() {
        return source.current();
    }

    /** The node's pod CIDR from UpdateRuntimeConfig, offered to plugins declaring ipRanges. */
    public void podCidr(String cidr) {
        this.podCidr = cidr == null ? "" : cidr;
    }

    /**
     * Adds the pod to the network. Without any configuration the pod keeps loopback only (the
     * node then reports NetworkReady=false, so a kubelet sends host-network pods only); with a
     * broken one, or when a plugin fails, the pod is refused after DEL undid what was done.
     */
    public PodAddresses attach(String podId, String netns, PodSandboxConfig config) throws IOException {
        NetworkState state = source.current();
        if (state.unconfigured()) {
            LOG.warning("pod " + describe(config) + " gets loopback only: " + state.message());
            return PodAddresses.NONE;
        }
        if (!state.ready()) {
            throw new CriException(Status.Code.FAILED_PRECONDITION, "cannot set up the network of pod "
                    + describe(config) + ": " + state.message());
        }
        NetworkAttachment attachment = new NetworkAttachment(podId, netns, IF_NAME, args(podId, config),
                listJson(state.config()), RuntimeConfigs.of(config, podCidr), null);
        cache.save(attachment);
        JsonNode result = null;
        try {
            for (JsonNode plugin : attachment.network().path("plugins")) {
                String type = plugin.path("type").asText();
                result = invoke(type, state.plugins().get(type), call("ADD", attachment), attachment,
                        (ObjectNode) plugin, result);
            }
        } catch (CniPluginException e) {
            undo(podId, e);
            throw new CriException(Status.Code.UNKNOWN, "setting up the network of pod " + describe(config)
                    + " (network \"" + attachment.name() + "\", " + state.config().source() + ") failed: "
                    + e.getMessage(), e);
        } catch (IOException | RuntimeException e) {
            undo(podId, e);
            throw e;
        }
        cache.save(attachment.withResult(result));
        PodAddresses found = CniResult.addresses(result);
        addresses.put(podId, found);
        LOG.info("pod " + describe(config) + " joined network \"" + attachment.name() + "\" as " + found.ip()
                + (found.additional().isEmpty() ? "" : " " + found.additional()));
        return found;
    }

    private void undo(String podId, Exception cause) {
        try {
            detach(podId);
        } catch (IOException | CniPluginException | RuntimeException e) {
            cause.addSuppressed(e);
            LOG.warning("undoing the failed network setup of pod " + podId + ": " + e.getMessage());
        }
    }

    /**
     * Removes the pod from the network it was added to, from the cache (so after a restart too);
     * idempotent: a pod without a cache entry has nothing to remove. On failure the entry stays,
     * so the kubelet's next StopPodSandbox tries again.
     */
    public void detach(String podId) throws IOException, CniPluginException {
        NetworkAttachment attachment = cache.load(podId);
        if (attachment == null) {
            addresses.remove(podId);
            return;
        }
        String netns = Files.exists(Path.of(attachment.netns())) ? attachment.netns() : "";
        PluginCall call = new PluginCall("DEL", podId, netns, attachment.ifName(), attachment.args(),
                source.cniPath());
        JsonNode prevResult = CniVersion.atLeast(attachment.cniVersion(), "0.4.0") ? attachment.result() : null;
        List<JsonNode> plugins = new ArrayList<>();
        attachment.network().path("plugins").forEach(plugins::add);
        Collections.reverse(plugins);
        for (JsonNode plugin : plugins) {
            String type = plugin.path("type").asText();
            invoke(type, binary(type, "DEL"), call, attachment, (ObjectNode) plugin, prevResult);
        }
        cache.delete(podId);
        addresses.remove(podId);
        LOG.info("pod " + podId + " left network \"" + attachment.name() + "\"");
    }

    /**
     * CHECK: asks every plugin whether the pod's networking is still as ADD made it. A no-op
     * for pods without a network, results older than spec 0.4.0 and lists with disableCheck.
     */
    public void check(String podId) throws IOException, CniPluginException {
        NetworkAttachment attachment = cache.load(podId);
        if (attachment == null || attachment.result() == null || !CniVersion.atLeast(attachment.cniVersion(), "0.4.0")
                || attachment.network().path("disableCheck").asBoolean(false)) {
            return;
        }
        for (JsonNode plugin : attachment.network().path("plugins")) {
            String type = plugin.path("type").asText();
            invoke(type, binary(type, "CHECK"), call("CHECK", attachment), attachment, (ObjectNode) plugin,
                    attachment.result());
        }
    }

    /** The pod's addresses from its cached result: right after a restart too. */
    public PodAddresses addresses(String podId) {
        PodAddresses known = addresses.get(podId);
        if (known != null) {
            return known;
        }
        try {
            NetworkAttachment attachment = cache.load(podId);
            if (attachment == null || attachment.result() == null) {
                return PodAddresses.NONE; // not remembered: stopped and removed pods would pile up
            }
            PodAddresses found = CniResult.addresses(attachment.result());
            addresses.put(podId, found);
            return found;
        } catch (IOException e) {
            LOG.warning(e.getMessage());
            return PodAddresses.NONE;
        }
    }

    /** The cached attachment (configuration and result), or null: for verbose status. */
    public NetworkAttachment attachment(String podId) throws IOException {
        return cache.load(podId);
    }

    private JsonNode invoke(String type, Path binary, PluginCall call, NetworkAttachment attachment,
                            ObjectNode plugin, JsonNode prevResult) throws CniPluginException, IOException {
        ObjectNode stdin = plugin.deepCopy();
        stdin.put("name", attachment.name());
        stdin.put("cniVersion", attachment.cniVersion());
        if (prevResult != null) {
            stdin.set("prevResult", prevResult);
        }
        ObjectNode runtimeConfig = RuntimeConfigs.forPlugin(plugin, attachment.runtimeConfig());
        if (runtimeConfig != null) {
            stdin.set("runtimeConfig", runtimeConfig);
        }
        long begin = System.nanoTime();
        JsonNode output = executor.run(type, binary, call, stdin.toString().getBytes(StandardCharsets.UTF_8));
        LOG.fine(() -> "plugin " + type + " " + call.command() + " for pod " + call.containerId() + " took "
                + (System.nanoTime() - begin) / 1_000_000 + " ms");
        if (call.command().equals("ADD")) {
            if (output == null || !output.isObject()) {
                throw new CniPluginException(type, 0, "ADD printed no result", "");
            }
            return output;
        }
        return prevResult;
    }

    private Path binary(String type, String command) throws CniPluginException {
        Path binary = source.find(type);
        if (binary == null) {
            throw new CniPluginException(type, 0, "cannot run " + command + ": plugin " + type + " not found in "
                    + source.cniPath(), "");
        }
        return binary;
    }

    private PluginCall call(String command, NetworkAttachment attachment) {
        return new PluginCall(command, attachment.podId(), attachment.netns(), attachment.ifName(), attachment.args(),
                source.cniPath());
    }

    private static ObjectNode listJson(NetworkConfig config) {
        ObjectNode list = JsonNodeFactory.instance.objectNode();
        list.put("name", config.name());
        list.put("cniVersion", config.cniVersion());
        if (config.disableCheck()) {
            list.put("disableCheck", true);
        }
        ArrayNode plugins = list.putArray("plugins");
        config.plugins().forEach(p -> plugins.add(p.deepCopy()));
        list.put("source", config.source().toString());
        return list;
    }

    /** CNI_ARGS as the kubelet's network plugins always passed them; IgnoreUnknown lets plugins skip ours. */
    private static String args(String podId, PodSandboxConfig config) {
        PodSandboxMetadata metadata = config.getMetadata();
        return "IgnoreUnknown=1;K8S_POD_NAMESPACE=" + metadata.getNamespace() + ";K8S_POD_NAME=" + metadata.getName()
                + ";K8S_POD_INFRA_CONTAINER_ID=" + podId + ";K8S_POD_UID=" + metadata.getUid();
    }

    private static String describe(PodSandboxConfig config) {
        return config.getMetadata().getNamespace() + "/" + config.getMetadata().getName();
    }
}
