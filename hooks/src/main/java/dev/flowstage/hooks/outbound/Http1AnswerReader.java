package dev.flowstage.hooks.outbound;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/** Reads one HTTP/1.1 answer: status line, headers, and a body sized by Content-Length, chunks or the end of the stream. */
final class Http1AnswerReader {
    private static final int MAX_LINE = 8 * 1024;
    private static final int MAX_HEADERS = 100;

    private final InputStream in;
    private final int maxBody;

    Http1AnswerReader(InputStream in, int maxBody) {
        this.in = new BufferedInputStream(in);
        this.maxBody = maxBody;
    }

    OutboundResponse read(boolean withBody) throws IOException {
        int status;
        Map<String, String> headers;
        do { // 1xx answers (100 Continue, 103 Early Hints) come before the real one
            status = statusOf(line());
            headers = headers();
        } while (status >= 100 && status < 200);
        if (!withBody || status == 204 || status == 304) {
            return new OutboundResponse(status, headers, null);
        }
        String encoding = headers.getOrDefault("transfer-encoding", "").toLowerCase(Locale.ROOT);
        if (encoding.endsWith("chunked")) {
            return new OutboundResponse(status, headers, chunked());
        }
        String length = headers.get("content-length");
        if (length != null) {
            long n;
            try {
                n = Long.parseLong(length.strip());
            } catch (NumberFormatException e) {
                throw new IOException("invalid Content-Length in the answer");
            }
            if (n < 0 || n > maxBody) {
                throw tooLarge();
            }
            byte[] body = in.readNBytes((int) n);
            if (body.length < n) {
                throw new EOFException("the connection closed before the answer was complete");
            }
            return new OutboundResponse(status, headers, body);
        }
        return new OutboundResponse(status, headers, upTo(maxBody, in));
    }

    private static int statusOf(String line) throws IOException {
        // "HTTP/1.1 200 OK": the reason phrase is the remote's own text and is dropped
        if (!line.startsWith("HTTP/1.") || line.length() < 12 || line.charAt(8) != ' ') {
            throw new IOException("not an HTTP/1.x answer");
        }
        try {
            int status = Integer.parseInt(line.substring(9, 12));
            if (status >= 100 && status <= 999) {
                return status;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IOException("invalid status in the answer");
    }

    private Map<String, String> headers() throws IOException {
        Map<String, String> headers = new HashMap<>();
        for (int i = 0; ; i++) {
            String line = line();
            if (line.isEmpty()) {
                return headers;
            }
            if (i >= MAX_HEADERS) {
                throw new IOException("too many headers in the answer");
            }
            int colon = line.indexOf(':');
            if (colon > 0) {
                headers.putIfAbsent(line.substring(0, colon).strip().toLowerCase(Locale.ROOT),
                        line.substring(colon + 1).strip());
            }
        }
    }

    private byte[] chunked() throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            String sizeLine = line();
            int semicolon = sizeLine.indexOf(';');
            long size;
            try {
                size = Long.parseLong((semicolon < 0 ? sizeLine : sizeLine.substring(0, semicolon)).strip(), 16);
            } catch (NumberFormatException e) {
                throw new IOException("invalid chunk size in the answer");
            }
            if (size == 0) {
                while (!line().isEmpty()) {
                    // trailers: ignored
                }
                return body.toByteArray();
            }
            if (size < 0 || body.size() + size > maxBody) {
                throw tooLarge();
            }
            byte[] chunk = in.readNBytes((int) size);
            if (chunk.length < size) {
                throw new EOFException("the answer ended inside a chunk");
            }
            body.write(chunk);
            line(); // the CRLF after the chunk
        }
    }

    private byte[] upTo(int max, InputStream in) throws IOException {
        byte[] b = in.readNBytes(max + 1);
        if (b.length > max) {
            throw tooLarge();
        }
        return b;
    }

    private IOException tooLarge() {
        return new IOException("the answer is larger than " + maxBody + " bytes");
    }

    private String line() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) != '\n') {
            if (c < 0) {
                throw new EOFException("the connection closed before the answer was complete");
            }
            if (line.size() >= MAX_LINE) {
                throw new IOException("an over-long line in the answer");
            }
            line.write(c);
        }
        String s = line.toString(StandardCharsets.ISO_8859_1);
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
    }
}
