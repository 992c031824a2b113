package dev.cortado.runtime.streaming;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Just enough of a Kubernetes API server for kubectl exec, attach and port-forward: discovery,
 * one running pod, and the pods' exec/attach/portforward subresources spliced byte for byte onto
 * streaming URLs the test got from the runtime (as the kubelet's proxy does). It lets the real
 * kubectl client, with its Go SPDY and WebSocket code, talk to cortado's streaming server.
 */
public final class FakeApiServer implements AutoCloseable {

    private static final String DISCOVERY_API = "{\"kind\":\"APIVersions\",\"versions\":[\"v1\"],"
            + "\"serverAddressByClientCIDRs\":[{\"clientCIDR\":\"0.0.0.0/0\",\"serverAddress\":\"127.0.0.1\"}]}";
    private static final String DISCOVERY_APIS = "{\"kind\":\"APIGroupList\",\"apiVersion\":\"v1\",\"groups\":[]}";
    private static final String DISCOVERY_V1 = "{\"kind\":\"APIResourceList\",\"groupVersion\":\"v1\",\"resources\":["
            + "{\"name\":\"pods\",\"singularName\":\"pod\",\"namespaced\":true,\"kind\":\"Pod\",\"verbs\":[\"get\"]},"
            + "{\"name\":\"pods/exec\",\"singularName\":\"\",\"namespaced\":true,\"kind\":\"PodExecOptions\","
            + "\"verbs\":[\"create\",\"get\"]},"
            + "{\"name\":\"pods/attach\",\"singularName\":\"\",\"namespaced\":true,\"kind\":\"PodAttachOptions\","
            + "\"verbs\":[\"create\",\"get\"]},"
            + "{\"name\":\"pods/portforward\",\"singularName\":\"\",\"namespaced\":true,"
            + "\"kind\":\"PodPortForwardOptions\",\"verbs\":[\"create\",\"get\"]}]}";
    private static final String VERSION = "{\"major\":\"1\",\"minor\":\"32\",\"gitVersion\":\"v1.32.0\"}";

    private final ServerSocket server;
    private final Map<String, Deque<String>> urls;
    private final List<String> requests = new ArrayList<>();
    private final Thread acceptor;

    /** @param urls subresource (exec, attach, portforward) to the streaming URLs to hand out in turn */
    public FakeApiServer(Map<String, Deque<String>> urls) throws IOException {
        this.urls = urls;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.acceptor = new Thread(this::accept, "fake-apiserver");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getLocalPort();
    }

    /** The request lines kubectl sent, for failure messages. */
    public synchronized List<String> requests() {
        return List.copyOf(requests);
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Thread handler = new Thread(() -> handle(client), "fake-apiserver-conn");
                handler.setDaemon(true);
                handler.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void handle(Socket client) {
        try (client) {
            InputStream in = client.getInputStream();
            String head = readHead(in);
            if (head == null) {
                return;
            }
            String[] lines = head.split("\r\n");
            String[] requestLine = lines[0].split(" ");
            synchronized (this) {
                requests.add(lines[0]);
            }
            URI uri = URI.create(requestLine[1]);
            String path = uri.getPath().replaceAll("^/+|/+$", "");
            String last = path.substring(path.lastIndexOf('/') + 1);
            if (urls.containsKey(last) && path.contains("/pods/")) {
                splice(client, lines, requestLine, uri, last);
                return;
            }
            String body = switch (path) {
                case "version" -> VERSION;
                case "api" -> DISCOVERY_API;
                case "apis" -> DISCOVERY_APIS;
                case "api/v1" -> DISCOVERY_V1;
                default -> path.matches("api/v1/namespaces/[^/]+/pods/[^/]+") ? pod(last) : null;
            };
            respond(client.getOutputStream(), body);
        } catch (IOException e) {
            // kubectl went away
        }
    }

    private static String pod(String name) {
        return "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"" + name + "\",\"namespace\":"
                + "\"default\"},\"spec\":{\"containers\":[{\"name\":\"main\",\"image\":\"busybox\"}]},\"status\":"
                + "{\"phase\":\"Running\",\"containerStatuses\":[{\"name\":\"main\",\"ready\":true,\"state\":"
                + "{\"running\":{}}}]}}";
    }

    private static void respond(OutputStream out, String body) throws IOException {
        String status = body == null ? "404 Not Found" : "200 OK";
        byte[] bytes = (body == null ? "{\"kind\":\"Status\",\"status\":\"Failure\",\"code\":404}" : body)
                .getBytes(StandardCharsets.UTF_8);
        out.write(("HTTP/1.1 " + status + "\r\nContent-Type: application/json\r\nContent-Length: " + bytes.length
                + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(bytes);
        out.flush();
    }

    /** Replays the request to the next streaming URL (keeping kubectl's headers) and splices the sockets. */
    private void splice(Socket client, String[] lines, String[] requestLine, URI uri, String kind)
            throws IOException {
        String target;
        synchronized (this) {
            target = urls.get(kind).poll();
        }
        if (target == null) {
            respond(client.getOutputStream(), null);
            return;
        }
        URI streaming = URI.create(target);
        try (Socket runtime = new Socket(streaming.getHost(), streaming.getPort())) {
            StringBuilder request = new StringBuilder(requestLine[0] + " " + streaming.getPath()
                    + (uri.getRawQuery() != null ? "?" + uri.getRawQuery() : "") + " HTTP/1.1\r\n");
            request.append("Host: ").append(streaming.getHost()).append(':').append(streaming.getPort())
                    .append("\r\n");
            for (int i = 1; i < lines.length; i++) {
                if (!lines[i].isEmpty() && !lines[i].toLowerCase(Locale.ROOT).startsWith("host:")) {
                    request.append(lines[i]).append("\r\n");
                }
            }
            request.append("\r\n");
            runtime.getOutputStream().write(request.toString().getBytes(StandardCharsets.US_ASCII));
            Thread back = new Thread(() -> copy(runtime, client), "fake-apiserver-splice");
            back.setDaemon(true);
            back.start();
            copy(client, runtime);
            back.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void copy(Socket from, Socket to) {
        try {
            from.getInputStream().transferTo(to.getOutputStream());
            to.shutdownOutput();
        } catch (IOException e) {
            // one side closed
        }
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                return null;
            }
            head.write(b);
            matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        return head.toString(StandardCharsets.US_ASCII);
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
