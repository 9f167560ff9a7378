package dev.flowstage.hooks.receive;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.flowstage.hooks.access.UserPrincipal;
import dev.flowstage.storage.meta.TokenScope;
import dev.flowstage.storage.repo.RepoName;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.transport.ReceiveCommand;
import org.eclipse.jgit.transport.ReceivePack;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MainMovedHookTest {
    private static final UserPrincipal MIA = new UserPrincipal("mia", false, TokenScope.WRITE);
    private static final ObjectId A = ObjectId.fromString("1111111111111111111111111111111111111111");
    private static final ObjectId B = ObjectId.fromString("2222222222222222222222222222222222222222");

    @TempDir
    Path dir;

    @Test
    void onlyStoredMovesOfMainAreReported() throws IOException {
        List<String> heard = new ArrayList<>();
        MainMovedHook hook = new MainMovedHook(new RepoName("acme", "dev"), MIA,
                (team, target, oldSha, newSha, actor) -> heard.add(team + "/" + target + " " + oldSha + " " + newSha + " " + actor));
        ReceiveCommand created = ok(new ReceiveCommand(ObjectId.zeroId(), A, "refs/heads/main"));
        ReceiveCommand moved = ok(new ReceiveCommand(A, B, "refs/heads/main"));
        ReceiveCommand review = ok(new ReceiveCommand(ObjectId.zeroId(), B, "refs/for/main"));
        ReceiveCommand branch = ok(new ReceiveCommand(A, B, "refs/heads/work"));
        ReceiveCommand refused = new ReceiveCommand(A, B, "refs/heads/main");
        refused.setResult(ReceiveCommand.Result.REJECTED_OTHER_REASON, "no");
        try (Repository repo = repo()) {
            hook.onPostReceive(new ReceivePack(repo), List.of(created, moved, review, branch, refused));
        }
        assertEquals(List.of("acme/dev null " + A.name() + " mia", "acme/dev " + A.name() + " " + B.name() + " mia"), heard);
    }

    @Test
    void aFailingListenerDoesNotFailThePushAndTheConfigRepoIsNotATarget() throws IOException {
        List<String> heard = new ArrayList<>();
        try (Repository repo = repo()) {
            new MainMovedHook(new RepoName("acme", "dev"), MIA, (t, n, o, s, a) -> {
                throw new IllegalStateException("deploy queue full");
            }).onPostReceive(new ReceivePack(repo), List.of(ok(new ReceiveCommand(A, B, "refs/heads/main"))));
            new MainMovedHook(new RepoName("acme", RepoName.CONFIG), MIA, (t, n, o, s, a) -> heard.add(n))
                    .onPostReceive(new ReceivePack(repo), List.of(ok(new ReceiveCommand(A, B, "refs/heads/main"))));
        }
        assertEquals(List.of(), heard);
    }

    private Repository repo() throws IOException {
        Repository repo = FileRepositoryBuilder.create(dir.resolve("r.git").toFile());
        if (!repo.getObjectDatabase().exists()) {
            repo.create(true);
        }
        return repo;
    }

    private static ReceiveCommand ok(ReceiveCommand cmd) {
        cmd.setResult(ReceiveCommand.Result.OK);
        return cmd;
    }
}
