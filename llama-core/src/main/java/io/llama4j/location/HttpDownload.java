package io.llama4j.location;

import io.llama4j.LlamaException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Locale;

/**
 * Downloads one file over HTTP(S) into the cache. Bytes go to {@code NAME.partial}; a later attempt asks
 * the server for the rest with a {@code Range} request and appends, so an interrupted multi-GB download
 * resumes. The finished file is checked against a SHA-256 when one is known (the URI fragment
 * {@code #sha256=HEX}) and only then renamed into place.
 *
 * <p>Our own ~100 lines rather than DJL's download utilities: those do not resume, and ai.djl:api would
 * bring its own dependencies into llama-core for what the JDK's HttpClient already does.
 */
final class HttpDownload {
    private static final HttpClient CLIENT = HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NORMAL)
            .connectTimeout(Duration.ofSeconds(30))
            .build();

    private HttpDownload() {
    }

    /** The SHA-256 named in the URI's fragment ({@code #sha256=HEX}), or null. */
    static String expectedSha256(URI uri) {
        String fragment = uri.getFragment();
        if (fragment != null && fragment.toLowerCase(Locale.ROOT).startsWith("sha256=")) {
            return fragment.substring("sha256=".length()).toLowerCase(Locale.ROOT);
        }
        return null;
    }

    static void download(URI uri, Path target, LoadProgress progress) throws IOException {
        URI location = withoutFragment(uri);
        Path partial = target.resolveSibling(target.getFileName() + ".partial");
        long have = Files.exists(partial) ? Files.size(partial) : 0;
        HttpRequest.Builder request = HttpRequest.newBuilder(location).GET();
        if (have > 0) {
            request.header("Range", "bytes=" + have + "-");
        }
        HttpResponse<InputStream> response;
        try {
            response = CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        int status = response.statusCode();
        boolean resumed = status == 206;
        if (status == 416 && have > 0) {
            // The partial file is already whole (or the server's file changed): start over to be sure.
            response.body().close();
            Files.delete(partial);
            download(uri, target, progress);
            return;
        }
        if (status != 200 && !resumed) {
            response.body().close();
            throw new LlamaException(location + ": HTTP " + status);
        }
        long length = response.headers().firstValueAsLong("Content-Length").orElse(-1);
        long total = length < 0 ? -1 : (resumed ? have : 0) + length;
        long done = resumed ? have : 0;
        try (InputStream in = response.body();
             OutputStream out = Files.newOutputStream(partial, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                     resumed ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING)) {
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                out.write(buffer, 0, n);
                done += n;
                progress.update(location.toString(), done, total);
            }
        }
        if (total >= 0 && done != total) {
            throw new LlamaException(location + ": download ended after " + done + " of " + total
                    + " bytes; run again to resume");
        }
        String expected = expectedSha256(uri);
        if (expected != null) {
            String actual = sha256(partial);
            if (!actual.equals(expected)) {
                Files.delete(partial);
                throw new LlamaException(location + ": SHA-256 " + actual + " differs from the expected " + expected);
            }
        }
        ModelCache.publish(partial, target);
    }

    static String sha256(Path file) throws IOException {
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
            in.transferTo(OutputStream.nullOutputStream());
            return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static URI withoutFragment(URI uri) {
        try {
            return new URI(uri.getScheme(), uri.getSchemeSpecificPart(), null);
        } catch (java.net.URISyntaxException e) {
            throw new IllegalArgumentException(uri.toString(), e);
        }
    }
}
