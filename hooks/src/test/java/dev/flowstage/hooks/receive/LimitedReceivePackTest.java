package dev.flowstage.hooks.receive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flowstage.storage.repo.RepoLocks;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Lock;
import org.eclipse.jgit.internal.storage.file.GC;
import org.eclipse.jgit.internal.storage.file.FileRepository;
import org.eclipse.jgit.internal.storage.pack.PackWriter;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.NullProgressMonitor;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.TreeFormatter;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.transport.PacketLineOut;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The repository lock is held only from the connectivity check to the ref updates: a client that
 * uploads its pack slowly holds nothing, so GC (and writers queued behind GC) never wait for it.
 */
class LimitedReceivePackTest {
    @TempDir
    Path dir;
    Repository server;
    Repository client;

    @BeforeEach
    void open() throws Exception {
        server = FileRepositoryBuilder.create(dir.resolve("server.git").toFile());
        server.create(true);
        client = FileRepositoryBuilder.create(dir.resolve("client.git").toFile());
        client.create(true);
    }

    @AfterEach
    void close() {
        server.close();
        client.close();
    }

    @Test
    void aSlowUploadHoldsNoLockSoGcRunsMeanwhileAndThePushStillLands() throws Exception {
        ObjectId commit = commit("big file", 256 * 1024);
        byte[] request = request(commit);
        int half = request.length / 2;
        CountDownLatch halfway = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean lockedDuringRefUpdate = new AtomicBoolean();
        LimitedReceivePack rp = new LimitedReceivePack(server, 64 << 20, 32 << 20);
        rp.setBiDirectionalPipe(false);
        rp.setCheckReceivedObjects(true); // as DefaultGitAccess configures it: the connectivity check runs
        rp.setPreReceiveHook((pack, commands) -> lockedDuringRefUpdate.set(otherThreadCannotTakeTheWriteSide()));
        InputStream slow = new SequenceInputStream(
                new java.io.ByteArrayInputStream(request, 0, half),
                new FilterInputStream(new java.io.ByteArrayInputStream(request, half, request.length - half)) {
                    @Override
                    public int read(byte[] b, int off, int len) throws IOException {
                        halfway.countDown();
                        try {
                            assertTrue(release.await(30, TimeUnit.SECONDS));
                        } catch (InterruptedException e) {
                            throw new IOException(e);
                        }
                        return super.read(b, off, len);
                    }
                });
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CompletableFuture<Void> push = CompletableFuture.runAsync(() -> {
            try {
                rp.receive(slow, out, null);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        assertTrue(halfway.await(30, TimeUnit.SECONDS));

        // while the pack is still arriving, GC takes the write side at once and runs
        Lock exclusive = RepoLocks.of(server.getDirectory()).writeLock();
        assertTrue(exclusive.tryLock(10, TimeUnit.SECONDS), "GC waited for a push still uploading its pack");
        try {
            new GC((FileRepository) server).gc().get();
        } finally {
            exclusive.unlock();
        }

        release.countDown();
        push.get(30, TimeUnit.SECONDS);
        assertEquals(commit, server.exactRef("refs/heads/main").getObjectId());
        assertTrue(lockedDuringRefUpdate.get(), "the checks and ref updates ran without the lock");
        assertTrue(exclusive.tryLock(), "the lock was released after the push");
        exclusive.unlock();
        assertTrue(new String(out.toByteArray(), StandardCharsets.UTF_8).contains("ok refs/heads/main"));
    }

    @Test
    void aRefusedPushReleasesTheLockToo() throws Exception {
        ObjectId commit = commit("refused", 16);
        LimitedReceivePack rp = new LimitedReceivePack(server, 64 << 20, 32 << 20);
        rp.setBiDirectionalPipe(false);
        rp.setPreReceiveHook((pack, commands) -> commands.forEach(c -> c.setResult(
                org.eclipse.jgit.transport.ReceiveCommand.Result.REJECTED_OTHER_REASON, "no")));
        rp.receive(new java.io.ByteArrayInputStream(request(commit)), new ByteArrayOutputStream(), null);
        assertFalse(server.getRefDatabase().hasRefs());
        Lock exclusive = RepoLocks.of(server.getDirectory()).writeLock();
        assertTrue(exclusive.tryLock(), "a refused push left the lock held");
        exclusive.unlock();
    }

    private boolean otherThreadCannotTakeTheWriteSide() {
        try {
            return !CompletableFuture.supplyAsync(() -> {
                Lock w = RepoLocks.of(server.getDirectory()).writeLock();
                if (w.tryLock()) {
                    w.unlock();
                    return true;
                }
                return false;
            }).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A stateless receive-pack request: one command creating main, then the pack. */
    private byte[] request(ObjectId commit) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PacketLineOut pck = new PacketLineOut(buf);
        pck.writeString(ObjectId.zeroId().name() + " " + commit.name() + " refs/heads/main\0 report-status\n");
        pck.end();
        try (PackWriter pw = new PackWriter(client)) {
            pw.preparePack(NullProgressMonitor.INSTANCE, Set.of(commit), Set.of());
            pw.writePack(NullProgressMonitor.INSTANCE, NullProgressMonitor.INSTANCE, buf);
        }
        return buf.toByteArray();
    }

    /** A commit of one incompressible file of {@code size} bytes, so the pack is that large. */
    private ObjectId commit(String message, int size) throws IOException {
        byte[] data = new byte[size];
        new java.util.Random(size).nextBytes(data);
        try (ObjectInserter ins = client.newObjectInserter()) {
            TreeFormatter tree = new TreeFormatter();
            tree.append("blob.bin", FileMode.REGULAR_FILE, ins.insert(Constants.OBJ_BLOB, data));
            CommitBuilder cb = new CommitBuilder();
            cb.setTreeId(ins.insert(tree));
            PersonIdent who = new PersonIdent("t", "t@example.com");
            cb.setAuthor(who);
            cb.setCommitter(who);
            cb.setMessage(message);
            ObjectId id = ins.insert(cb);
            ins.flush();
            return id;
        }
    }
}
