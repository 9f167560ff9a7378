package dev.flowstage.hooks.git;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.RefDatabase;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.transport.PacketLineOut;
import org.eclipse.jgit.transport.RefAdvertiser;
import org.eclipse.jgit.transport.RefFilter;
import org.eclipse.jgit.transport.TransferConfig;
import org.eclipse.jgit.transport.UploadPack;
import org.eclipse.jgit.util.RefMap;

/**
 * One protocol-v2 {@code ls-refs} request: what a device or a {@code git fetch} sends to learn where
 * a branch is (with {@code ref-prefix}es), and by far the most frequent Git request; without a
 * prefix ({@code git ls-remote}) it lists every ref.
 *
 * <p>{@link #answer(Repository, RefFilter)} answers it the way JGit's {@link UploadPack} does (same
 * ref lookup, same ref filter, JGit's own advertiser for the lines) without building an
 * UploadPack, a RevWalk and the buffered streams around them. {@link #parse} accepts only requests
 * it understands completely; anything else (other commands, other arguments, odd framing) is left to
 * UploadPack, which also owns the error answers.
 */
public final class LsRefsCommand {
    /** Bodies larger than this are never ls-refs requests this class takes. */
    public static final int MAX_REQUEST_BYTES = 8192;
    private static final String COMMAND = "command=ls-refs";
    private static final String REF_PREFIX = "ref-prefix ";
    private static final byte[] FLUSH = "0000".getBytes(StandardCharsets.US_ASCII);

    private final byte[] request;
    private final List<String> prefixes;
    private final boolean peel;
    private final boolean symrefs;
    private final boolean unborn;

    private LsRefsCommand(byte[] request, List<String> prefixes, boolean peel, boolean symrefs, boolean unborn) {
        this.request = request;
        this.prefixes = List.copyOf(prefixes);
        this.peel = peel;
        this.symrefs = symrefs;
        this.unborn = unborn;
    }

    /**
     * The request in {@code body}, or empty when it is not exactly: {@code command=ls-refs},
     * capability lines ({@code agent=}, {@code session-id=}, {@code server-option=},
     * {@code object-format=sha1}), a delimiter, arguments ({@code peel}, {@code symrefs},
     * {@code unborn}, any number of {@code ref-prefix}), a flush, and nothing after it. Requests with
     * {@code unborn} must be answered here: JGit's UploadPack refuses that argument.
     */
    public static Optional<LsRefsCommand> parse(byte[] body) {
        Objects.requireNonNull(body);
        if (body.length > MAX_REQUEST_BYTES) {
            return Optional.empty();
        }
        List<String> lines = new ArrayList<>();
        int pos = 0;
        boolean flushed = false;
        while (pos < body.length) {
            if (flushed || pos + 4 > body.length) {
                return Optional.empty();
            }
            int len = hex4(body, pos);
            if (len < 0 || len == 2 || len == 3) {
                return Optional.empty();
            }
            if (len == 0) {
                flushed = true;
                pos += 4;
                continue;
            }
            if (len == 1) {
                lines.add(null); // the delimiter
                pos += 4;
                continue;
            }
            if (pos + len > body.length) {
                return Optional.empty();
            }
            int end = pos + len;
            if (body[end - 1] == '\n') {
                end--;
            }
            lines.add(new String(body, pos + 4, end - pos - 4, StandardCharsets.UTF_8));
            pos += len;
        }
        if (!flushed || lines.isEmpty() || !COMMAND.equals(lines.get(0))) {
            return Optional.empty();
        }
        int i = 1;
        for (; i < lines.size() && lines.get(i) != null; i++) {
            if (!isCapability(lines.get(i))) {
                return Optional.empty();
            }
        }
        if (i == lines.size()) {
            return Optional.empty(); // no delimiter: no arguments at all
        }
        List<String> prefixes = new ArrayList<>();
        boolean peel = false;
        boolean symrefs = false;
        boolean unborn = false;
        for (i++; i < lines.size(); i++) {
            String arg = lines.get(i);
            if (arg == null) {
                return Optional.empty();
            } else if (arg.equals("peel")) {
                peel = true;
            } else if (arg.equals("symrefs")) {
                symrefs = true;
            } else if (arg.equals("unborn")) {
                unborn = true;
            } else if (arg.startsWith(REF_PREFIX) && arg.length() > REF_PREFIX.length()) {
                prefixes.add(arg.substring(REF_PREFIX.length()));
            } else {
                return Optional.empty();
            }
        }
        return Optional.of(new LsRefsCommand(body.clone(), prefixes, peel, symrefs, unborn));
    }

    private static boolean isCapability(String line) {
        return line.startsWith("agent=") || line.startsWith("session-id=") || line.startsWith("server-option=")
                || line.equals("object-format=sha1");
    }

    private static int hex4(byte[] b, int pos) {
        int v = 0;
        for (int k = 0; k < 4; k++) {
            int d = Character.digit(b[pos + k], 16);
            if (d < 0) {
                return -1;
            }
            v = v << 4 | d;
        }
        return v;
    }

    public List<String> prefixes() {
        return prefixes;
    }

    public boolean peel() {
        return peel;
    }

    public boolean symrefs() {
        return symrefs;
    }

    public boolean unborn() {
        return unborn;
    }

    /** The request as the client sent it. */
    public byte[] request() {
        return request.clone();
    }

    /**
     * The response UploadPack would send with {@code filter} as its ref filter: the pkt-lines of the
     * matching refs, then a flush. With {@code unborn} (which JGit's UploadPack does not implement)
     * the answer starts as C git's does when HEAD names a branch that does not exist yet:
     * {@code unborn HEAD symref-target:refs/heads/main}, so that a clone of an empty repository
     * checks out the server's branch rather than the client's {@code init.defaultBranch}.
     */
    public byte[] answer(Repository repository, RefFilter filter) throws IOException {
        RefDatabase db = repository.getRefDatabase();
        // One prefix, as a poll sends: the same refs as the many-prefix call, which filters them again
        // on a parallel stream
        List<Ref> found = prefixes.isEmpty() ? db.getRefs()
                : prefixes.size() == 1 ? db.getRefsByPrefix(prefixes.get(0))
                : db.getRefsByPrefix(prefixes.toArray(new String[0]));
        Map<String, Ref> refs = found.stream().collect(RefMap.toRefMap((a, b) -> b));
        RefFilter applied = filter != RefFilter.DEFAULT ? filter
                : repository.getConfig().get(TransferConfig.KEY).getRefFilter();
        refs = applied.filter(refs);
        ByteArrayOutputStream out = new ByteArrayOutputStream(128);
        PacketLineOut pckOut = new PacketLineOut(out);
        Optional<String> unbornTarget = unbornHeadTarget(repository, refs, applied);
        if (unbornTarget.isPresent()) {
            pckOut.writeString("unborn " + Constants.HEAD + " symref-target:" + unbornTarget.get() + "\n");
        }
        RefAdvertiser adv = new RefAdvertiser.PacketLineOutRefAdvertiser(pckOut);
        adv.init(repository);
        adv.setUseProtocolV2(true);
        adv.setDerefTags(peel);
        if (symrefs) {
            Ref head = refs.get(Constants.HEAD);
            if (head != null && head.isSymbolic()) {
                adv.addSymref(Constants.HEAD, head.getLeaf().getName());
            }
        }
        adv.send(refs.values());
        out.write(FLUSH);
        return out.toByteArray();
    }

    /**
     * The branch an unborn HEAD names, when the client asked for it and may see HEAD. As in C git
     * ({@code ls-refs.c}), only with {@code symrefs} too and when no prefix or one matching HEAD was sent.
     */
    private Optional<String> unbornHeadTarget(Repository repository, Map<String, Ref> sent, RefFilter filter)
            throws IOException {
        if (!unborn || !symrefs || sent.containsKey(Constants.HEAD)
                || !prefixes.isEmpty() && prefixes.stream().noneMatch(Constants.HEAD::startsWith)) {
            return Optional.empty();
        }
        Ref head = repository.exactRef(Constants.HEAD);
        if (head == null || !head.isSymbolic() || head.getObjectId() != null) {
            return Optional.empty();
        }
        // The same filter that hides refs from devices decides whether HEAD may be named at all
        if (!filter.filter(Map.of(Constants.HEAD, head)).containsKey(Constants.HEAD)) {
            return Optional.empty();
        }
        return Optional.of(head.getTarget().getName());
    }

    /** The response of {@code up}, a v2 UploadPack built for this request: the reference for {@link #answer}. */
    public byte[] answer(UploadPack up) throws IOException {
        up.setBiDirectionalPipe(false);
        ByteArrayOutputStream out = new ByteArrayOutputStream(128);
        up.upload(new ByteArrayInputStream(request), out, null);
        return out.toByteArray();
    }
}
