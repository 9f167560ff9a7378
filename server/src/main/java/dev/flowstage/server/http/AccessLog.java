package dev.flowstage.server.http;

import dev.flowstage.hooks.access.Principal;
import dev.flowstage.server.config.ConfigException;
import dev.flowstage.web.git.GitAuthFilter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.RequestLog;
import org.eclipse.jetty.server.RequestLogWriter;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.NanoTime;
import org.eclipse.jetty.util.component.ContainerLifeCycle;

/**
 * The request (access) log: one {@link AccessLogLine} per HTTP request, written through Jetty's
 * {@link RequestLogWriter}, which starts a new file every day (at midnight UTC) and deletes files older
 * than the days to keep. The file name holds the date: {@code access.log} is written as
 * {@code access.2026_12_02.log}; a name that already contains {@code yyyy_mm_dd} keeps it where it is.
 */
public final class AccessLog extends ContainerLifeCycle implements RequestLog {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(AccessLog.class);
    /** Where Jetty puts the date in the file name. */
    static final String DATE_PLACEHOLDER = "yyyy_mm_dd";

    private final RequestLogWriter writer;

    public AccessLog(Path file, int keepDays) {
        Path dated = dated(file);
        Path dir = dated.toAbsolutePath().getParent();
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new ConfigException("cannot create the directory of the access log " + file + ": " + e);
        }
        if (!Files.isWritable(dir)) {
            throw new ConfigException("cannot write the access log " + file + ": directory " + dir + " is not writable");
        }
        writer = new RequestLogWriter(dated.toString());
        writer.setAppend(true);
        writer.setRetainDays(keepDays);
        writer.setTimeZone("UTC");
        addBean(writer);
    }

    /** {@code access.log} → {@code access.yyyy_mm_dd.log}; {@code access} → {@code access.yyyy_mm_dd}. */
    static Path dated(Path file) {
        String name = file.getFileName().toString();
        if (name.contains(DATE_PLACEHOLDER)) {
            return file;
        }
        int dot = name.lastIndexOf('.');
        String datedName = dot <= 0 ? name + "." + DATE_PLACEHOLDER
                : name.substring(0, dot) + "." + DATE_PLACEHOLDER + name.substring(dot);
        return file.resolveSibling(datedName);
    }

    /** The file being written now (today's), once started. */
    public Optional<Path> currentFile() {
        return Optional.ofNullable(writer.getDatedFilename()).map(Path::of);
    }

    @Override
    public void log(Request request, Response response) {
        Object principal = request.getAttribute(GitAuthFilter.PRINCIPAL);
        AccessLogLine line = new AccessLogLine(
                Optional.ofNullable(Request.getRemoteAddr(request)).orElse("-"),
                principal instanceof Principal p ? Optional.of(p.displayName()) : Optional.empty(),
                Instant.ofEpochMilli(Request.getTimeStamp(request)),
                request.getMethod(),
                Optional.ofNullable(request.getHttpURI().getPath()).orElse("/"),
                Optional.ofNullable(request.getHttpURI().getQuery()),
                request.getConnectionMetaData().getProtocol(),
                response.getStatus(),
                Response.getContentBytesWritten(response),
                Optional.ofNullable(request.getHeaders().get(HttpHeader.USER_AGENT)),
                NanoTime.millisSince(request.getBeginNanoTime()));
        try {
            writer.write(line.format());
        } catch (IOException e) {
            LOG.warn("cannot write the access log: {}", e.toString());
        }
    }
}
