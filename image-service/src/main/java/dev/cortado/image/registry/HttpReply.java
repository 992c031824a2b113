package dev.cortado.image.registry;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpHeaders;

/**
 * One HTTP answer: status, headers and the body as a stream the caller must close (closing it
 * early is fine: the connection is then dropped instead of reused).
 */
record HttpReply(int status, HttpHeaders headers, InputStream body, URI uri) {
}
