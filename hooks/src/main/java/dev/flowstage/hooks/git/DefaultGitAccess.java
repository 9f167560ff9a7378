package dev.flowstage.hooks.git;

import dev.flowstage.hooks.access.AccessControl;
import dev.flowstage.hooks.access.DevicePrincipal;
import dev.flowstage.hooks.access.Principal;
import dev.flowstage.hooks.events.MainMovedListener;
import dev.flowstage.hooks.receive.ConfigAppliedHook;
import dev.flowstage.hooks.receive.LimitedReceivePack;
import dev.flowstage.hooks.receive.MainMovedHook;
import dev.flowstage.hooks.receive.PushRules;
import dev.flowstage.hooks.receive.ReceiveServices;
import dev.flowstage.hooks.receive.SnapshotCheck;
import dev.flowstage.storage.meta.Role;
import dev.flowstage.storage.meta.Target;
import dev.flowstage.storage.meta.TeamConfig;
import dev.flowstage.storage.meta.TeamStore;
import dev.flowstage.storage.repo.RefCache;
import dev.flowstage.storage.repo.RepoName;
import dev.flowstage.storage.repo.RepoStore;
import dev.flowstage.storage.review.GitReviewStore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.jgit.errors.RepositoryNotFoundException;
import org.eclipse.jgit.lib.Config;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.transport.AdvertiseRefsHook;
import org.eclipse.jgit.transport.PostReceiveHook;
import org.eclipse.jgit.transport.PostReceiveHookChain;
import org.eclipse.jgit.transport.ReceivePack;
import org.eclipse.jgit.transport.RefFilter;
import org.eclipse.jgit.transport.TransferConfig;
import org.eclipse.jgit.transport.UploadPack;
import org.eclipse.jgit.transport.resolver.ServiceNotAuthorizedException;

/**
 * Opens repositories for a principal and builds the configured UploadPack and ReceivePack, for HTTP
 * and SSH alike. A repository is served only when its team config lists it (or it is the config
 * repository) and the principal may read it; otherwise it does not exist as far as the caller knows.
 */
public final class DefaultGitAccess implements GitAccess {
    static final String UPLOAD_TIMER = "flowstage.git.upload";
    static final String RECEIVE_TIMER = "flowstage.git.receive";
    static final String UPLOAD_REQUESTS = "flowstage.git.upload.requests";
    private static final String SSH = "ssh";

    private final RepoStore repos;
    private final TeamStore teams;
    private final AccessControl access;
    private final GitLimits limits;
    private final MeterRegistry metrics;
    private final ReceiveServices receive;
    private final Map<String, Counter> uploadRequests = new ConcurrentHashMap<>();

    /** Reviews in a {@link GitReviewStore} of its own and nobody told of main moving; the server passes its own. */
    public DefaultGitAccess(RepoStore repos, TeamStore teams, AccessControl access, GitLimits limits,
                            MeterRegistry metrics) {
        this(repos, teams, access, limits, metrics, new ReceiveServices(new SnapshotCheck(),
                new GitReviewStore(repos, Clock.systemUTC()), MainMovedListener.NONE));
    }

    public DefaultGitAccess(RepoStore repos, TeamStore teams, AccessControl access, GitLimits limits,
                            MeterRegistry metrics, ReceiveServices receive) {
        this.repos = Objects.requireNonNull(repos);
        this.teams = Objects.requireNonNull(teams);
        this.access = Objects.requireNonNull(access);
        this.limits = Objects.requireNonNull(limits);
        this.metrics = Objects.requireNonNull(metrics);
        this.receive = Objects.requireNonNull(receive);
    }

    @Override
    public Repository open(Principal principal, RepoName repo) throws IOException {
        // Same exception and message for "absent" and "not yours", so existence never leaks
        Optional<TeamConfig> config = teams.team(repo.team());
        if (config.isEmpty() || configured(config.get(), repo).isEmpty() || !access.canRead(principal, repo, config.get())) {
            throw notFound(repo);
        }
        try {
            return repos.open(repo);
        } catch (RepositoryNotFoundException e) {
            throw notFound(repo);
        }
    }

    @Override
    public UploadPack uploadPack(GitRequest request, Repository repository) {
        UploadPack up = new UploadPack(repository);
        up.setExtraParameters(request.protocolParameters());
        up.setTimeout(jgitTimeout(request));
        up.setRefFilter(refFilter(request));
        up.setTransferConfig(transferConfig(repository));
        // after the transfer config, which resets it
        up.setRequestValidator(ReachableObjectsValidator.INSTANCE);
        // Every upload-pack session counts (ref advertisements and polls too); the timer below only
        // sees sessions that sent a pack.
        metrics.counter(UPLOAD_REQUESTS, "transport", request.transport()).increment();
        up.setPostUploadHook(stats -> Timer.builder(UPLOAD_TIMER)
                .description("Packs sent to Git clients (clone, fetch)")
                .tag("transport", request.transport())
                .tag("result", "ok")
                .register(metrics)
                .record(Duration.ofMillis(stats.getTimeTotal())));
        return up;
    }

    @Override
    public byte[] lsRefs(GitRequest request, Repository repository, LsRefsCommand command) throws IOException {
        // the counter looked up once per transport, not built from its name and tags on every poll
        uploadRequests.computeIfAbsent(request.transport(),
                t -> metrics.counter(UPLOAD_REQUESTS, "transport", t)).increment();
        RefFilter filter = refFilter(request);
        // kept until one of the repository's refs changes: a poll reads no ref from disk (RefCache)
        return RefCache.shared().get(repository, new LsRefsKey(filter, command.prefixes(), command.peel(),
                command.symrefs(), command.unborn()), () -> command.answer(repository, filter));
    }

    /**
     * The repository's transfer settings with object filters allowed, so {@code --filter=blob:none}
     * and {@code --filter=tree:0} clones (devices short of storage) get only what they asked for,
     * and lazy fetches of single objects by id are answered ({@link ReachableObjectsValidator} checks
     * that the refs this principal sees reach them, so a device cannot fetch a file of a branch the
     * ref filter hides).
     */
    private static TransferConfig transferConfig(Repository repository) {
        Config config = new Config(repository.getConfig());
        config.setBoolean("uploadpack", null, "allowfilter", true);
        return new TransferConfig(config);
    }

    private RefFilter refFilter(GitRequest request) {
        if (request.principal() instanceof DevicePrincipal) {
            return DeviceRefFilter.INSTANCE;
        }
        if (request.repo().isConfig()
                && access.role(request.principal(), request.repo().team()).filter(r -> r.atLeast(Role.OWNER)).isEmpty()) {
            return MetaRefFilter.INSTANCE;
        }
        return RefFilter.DEFAULT;
    }

    @Override
    public ReceivePack receivePack(GitRequest request, Repository repository) throws ServiceNotAuthorizedException {
        RepoName name = request.repo();
        Optional<Served> served = configured(name);
        if (served.isEmpty() || !access.canPush(request.principal(), name)) {
            throw new ServiceNotAuthorizedException("flowstage: you may not push to " + name);
        }
        long started = System.nanoTime();
        // Size refusals with readable messages; the per-file limit is checked in PushRules, naming the file
        ReceivePack rp = new LimitedReceivePack(repository, limits.maxPushBytes(), limits.maxFileBytes());
        rp.setAtomic(true);
        rp.setCheckReceivedObjects(true);
        // PushRules decides creates, deletes and non-fast-forwards with a readable message
        rp.setAllowCreates(true);
        rp.setAllowDeletes(true);
        rp.setAllowNonFastForwards(true);
        rp.setTimeout(jgitTimeout(request));
        rp.setRefLogIdent(new PersonIdent(request.principal().displayName(), ""));
        if (request.principal() instanceof DevicePrincipal) {
            isolateDevice(rp);
        }
        boolean owner = access.role(request.principal(), name.team()).filter(r -> r.atLeast(Role.OWNER)).isPresent();
        rp.setPreReceiveHook(new PushRules(request.principal(), owner, name, served.get().target(), receive,
                limits.maxFileBytes()));
        PostReceiveHook measure = (pack, stored) -> {
            if (!stored.isEmpty()) {
                repos.pushed(name);
            }
            Timer.builder(RECEIVE_TIMER)
                    .description("Pushes received from Git clients")
                    .tag("transport", request.transport())
                    .tag("result", stored.isEmpty() ? "rejected" : "ok")
                    .register(metrics)
                    .record(Duration.ofNanos(System.nanoTime() - started));
        };
        List<PostReceiveHook> after = new ArrayList<>(List.of(measure,
                new MainMovedHook(name, request.principal(), receive.mainMoved())));
        if (name.isConfig() && receive.config() != null) {
            after.add(new ConfigAppliedHook(name, receive.config()));
        }
        rp.setPostReceiveHook(PostReceiveHookChain.newChain(after));
        return rp;
    }

    /**
     * A device pushing (to its own {@code refs/heads/device}) sees in the advertisement what it sees when
     * fetching, and nothing of other repositories ({@code .have} lines of alternates are left out); a
     * pushed pack may only lean on objects reachable from what was advertised, so a device cannot point
     * its branch at, or build on, an object it could not fetch.
     */
    private static void isolateDevice(ReceivePack rp) {
        rp.setRefFilter(DeviceRefFilter.INSTANCE);
        rp.setCheckReferencedObjectsAreReachable(true);
        rp.setAdvertiseRefsHook(new AdvertiseRefsHook() {
            @Override
            public void advertiseRefs(UploadPack uploadPack) {
                // receive-pack only
            }

            @Override
            public void advertiseRefs(ReceivePack receivePack) throws IOException {
                receivePack.setAdvertisedRefs(null, Set.of());
            }
        });
    }

    /**
     * JGit's own I/O timeout, for SSH only. JGit enforces it with a new timer thread per request,
     * which on HTTP would mean a thread started for every poll; there Jetty's idle timeout already
     * ends a stalled read or write.
     */
    private int jgitTimeout(GitRequest request) {
        return SSH.equals(request.transport()) ? limits.timeoutSeconds() : 0;
    }

    /** Empty when the team or its entry for {@code repo} does not exist. */
    private Optional<Served> configured(RepoName repo) {
        return teams.team(repo.team()).flatMap(config -> configured(config, repo));
    }

    private static Optional<Served> configured(TeamConfig config, RepoName repo) {
        if (repo.isConfig()) {
            return Optional.of(new Served(null));
        }
        Target target = config.targets().get(repo.name());
        return target == null ? Optional.empty() : Optional.of(new Served(target));
    }

    /** What an ls-refs answer depends on besides the refs: the filter (a singleton) and the arguments. */
    private record LsRefsKey(RefFilter filter, List<String> prefixes, boolean peel, boolean symrefs,
                             boolean unborn) {}

    /** A repository the team config lists; {@code target} is null for the config repository itself. */
    private record Served(Target target) {}

    private static RepositoryNotFoundException notFound(RepoName repo) {
        return new RepositoryNotFoundException(repo.toString());
    }
}
