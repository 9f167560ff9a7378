package dev.flowstage.hooks.git;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.eclipse.jgit.errors.PackProtocolException;
import org.junit.jupiter.api.Test;

/** How the SSH v2 session cuts the client's stream into commands. */
class UploadPackSessionTest {
    @Test
    void readsOneCommandAtATimeUntilTheClientEndsTheSession() throws Exception {
        byte[] lsRefs = LsRefsCommandTest.request("command=ls-refs", List.of("agent=git/2.39.5"), List.of("ref-prefix HEAD"));
        byte[] fetch = LsRefsCommandTest.request("command=fetch", List.of(), List.of("done"));
        InputStream in = new ByteArrayInputStream(concat(lsRefs, fetch, bytes("0000")));
        assertArrayEquals(lsRefs, UploadPackSession.readCommand(in));
        assertArrayEquals(fetch, UploadPackSession.readCommand(in));
        assertNull(UploadPackSession.readCommand(in)); // a flush instead of a command
        assertNull(UploadPackSession.readCommand(new ByteArrayInputStream(new byte[0]))); // end of stream
    }

    @Test
    void refusesBrokenFraming() {
        assertThrows(EOFException.class, () -> UploadPackSession.readCommand(new ByteArrayInputStream(bytes("0014command=ls-refs\n"))));
        assertThrows(EOFException.class, () -> UploadPackSession.readCommand(new ByteArrayInputStream(bytes("00"))));
        assertThrows(PackProtocolException.class, () -> UploadPackSession.readCommand(new ByteArrayInputStream(bytes("zzzz"))));
        assertThrows(PackProtocolException.class, () -> UploadPackSession.readCommand(new ByteArrayInputStream(bytes("0003"))));
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] concat(byte[]... parts) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
