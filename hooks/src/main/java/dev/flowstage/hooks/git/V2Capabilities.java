package dev.flowstage.hooks.git;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import org.eclipse.jgit.transport.PacketLineIn;
import org.eclipse.jgit.transport.PacketLineOut;
import org.eclipse.jgit.transport.RefAdvertiser.PacketLineOutRefAdvertiser;
import org.eclipse.jgit.transport.UploadPack;

/**
 * The protocol-v2 capability advertisement of upload-pack: JGit's, with {@code ls-refs=unborn}
 * in place of {@code ls-refs}, since {@link LsRefsCommand} answers {@code unborn} and JGit 7.5 can
 * neither answer nor advertise it. HTTP and SSH both send these bytes.
 */
public final class V2Capabilities {
    static final String LS_REFS = "ls-refs";
    static final String LS_REFS_UNBORN = "ls-refs=unborn";

    private V2Capabilities() {}

    /** The advertisement {@code up} (a v2 UploadPack) would send, ending in a flush, with unborn added. */
    public static byte[] of(UploadPack up) throws IOException {
        ByteArrayOutputStream jgit = new ByteArrayOutputStream(256);
        try {
            up.sendAdvertisedRefs(new PacketLineOutRefAdvertiser(new PacketLineOut(jgit)), null);
        } finally {
            up.getRevWalk().close();
        }
        PacketLineIn in = new PacketLineIn(new ByteArrayInputStream(jgit.toByteArray()));
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        PacketLineOut pckOut = new PacketLineOut(out);
        for (String line = in.readStringRaw(); !PacketLineIn.isEnd(line); line = in.readStringRaw()) {
            // JGit writes these lines without LF on HTTP; the end of line is kept as it was
            String end = line.endsWith("\n") ? "\n" : "";
            String capability = line.substring(0, line.length() - end.length());
            pckOut.writeString((LS_REFS.equals(capability) ? LS_REFS_UNBORN : capability) + end);
        }
        pckOut.end();
        return out.toByteArray();
    }

    /** True when the protocol parameters ask for version 2. */
    public static boolean requested(Iterable<String> protocolParameters) {
        for (String p : protocolParameters) {
            if ("version=2".equals(p)) {
                return true;
            }
        }
        return false;
    }
}
