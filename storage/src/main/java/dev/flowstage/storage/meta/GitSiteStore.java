package dev.flowstage.storage.meta;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.flowstage.storage.Names;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.eclipse.jgit.lib.ConfigConstants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.RepositoryCache;
import org.eclipse.jgit.lib.StoredConfig;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import dev.flowstage.storage.repo.PackedRefs;
import dev.flowstage.storage.repo.StaleLocks;
import org.eclipse.jgit.util.FS;

/** {@link SiteStore} on {@code DATA/site.git}, ref {@code refs/meta/site}; creates the repository when missing. */
public final class GitSiteStore implements SiteStore, AutoCloseable {
    public static final String REF = "refs/meta/site";

    private final Repository repo;
    private final MetaRef meta;
    private final Clock clock;
    private final Consumer<String> passwordChanged;
    // Keyed by commit id, so an entry can never be stale; a few entries cover in-flight writes.
    private final Cache<ObjectId, SiteState> states = Caffeine.newBuilder().maximumSize(4).build();

    public GitSiteStore(Path siteRepoDir, Clock clock) {
        this(siteRepoDir, clock, user -> { });
    }

    /**
     * @param passwordChanged told the user's name after a write that changed a user's password
     *                        hash (not on creation): what the server's initial admin password file
     *                        is deleted by, whoever changed the password
     */
    public GitSiteStore(Path siteRepoDir, Clock clock, Consumer<String> passwordChanged) {
        this.clock = clock;
        this.passwordChanged = Objects.requireNonNull(passwordChanged);
        try {
            this.repo = openOrCreate(siteRepoDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the site repository " + siteRepoDir, e);
        }
        this.meta = new MetaRef(repo, REF);
    }

    private static Repository openOrCreate(Path dir) throws IOException {
        if (!RepositoryCache.FileKey.isGitRepository(dir.toFile(), FS.DETECTED)) {
            try (Repository created = new FileRepositoryBuilder().setGitDir(dir.toFile()).setBare().build()) {
                created.create(true);
                StoredConfig cfg = created.getConfig();
                cfg.setBoolean(ConfigConstants.CONFIG_CORE_SECTION, null, ConfigConstants.CONFIG_KEY_LOGALLREFUPDATES, true);
                cfg.setBoolean(ConfigConstants.CONFIG_RECEIVE_SECTION, null, ConfigConstants.CONFIG_KEY_AUTOGC, false);
                cfg.save();
            } catch (IllegalStateException e) {
                // created by a concurrent start-up: use it
            }
        }
        PackedRefs.ensure(dir);
        StaleLocks.clear(dir.toFile());
        return new FileRepositoryBuilder().setGitDir(dir.toFile()).setBare().setMustExist(true).build();
    }

    @Override
    public Optional<User> user(String name) {
        return Names.isValidUser(name) ? state().user(name) : Optional.empty();
    }

    @Override
    public List<User> users() {
        return state().users();
    }

    @Override
    public User createUser(String name, String passwordHash, boolean admin) {
        Names.requireUser(name);
        return write("Create user " + name, (st, files) -> {
            if (st.user(name).isPresent()) {
                throw new MetaConflictException("user '" + name + "' already exists");
            }
            User u = new User(name, passwordHash, admin, clock.instant(), List.of(), List.of());
            files.put(SiteJson.userPath(name), SiteJson.writeUser(u));
            return u;
        });
    }

    @Override
    public User updateUser(String name, UnaryOperator<User> edit) {
        AtomicReference<String> hashBefore = new AtomicReference<>();
        User updated = write("Update user " + name, (st, files) -> {
            User old = existingUser(st, name);
            hashBefore.set(old.passwordHash());
            User u = edit.apply(old);
            if (u == null || !name.equals(u.name())) {
                throw new MetaInvalidException("a user cannot be renamed");
            }
            checkCredentials(st, KeyOwner.user(name), u.keys(), u.tokens().stream().map(AccessToken::hash).toList());
            Set<String> tokenNames = new HashSet<>();
            for (AccessToken t : u.tokens()) {
                if (!tokenNames.add(t.name())) {
                    throw new MetaConflictException("user '" + name + "' already has a token named '" + t.name() + "'");
                }
            }
            files.put(SiteJson.userPath(name), SiteJson.writeUser(u));
            return u;
        });
        if (!updated.passwordHash().equals(hashBefore.get())) {
            passwordChanged.accept(name);
        }
        return updated;
    }

    @Override
    public void deleteUser(String name) {
        write("Delete user " + name, (st, files) -> {
            existingUser(st, name);
            files.remove(SiteJson.userPath(name));
            return null;
        });
    }

    @Override
    public AccessToken addToken(String user, AccessToken token) {
        return write("Add token " + token.name() + " for " + user, (st, files) -> {
            User u = existingUser(st, user);
            if (u.tokens().stream().anyMatch(t -> t.name().equals(token.name()))) {
                throw new MetaConflictException("user '" + user + "' already has a token named '" + token.name() + "'");
            }
            checkCredentials(st, KeyOwner.user(user), List.of(), List.of(token.hash()));
            List<AccessToken> tokens = new ArrayList<>(u.tokens());
            tokens.add(token);
            files.put(SiteJson.userPath(user), SiteJson.writeUser(
                    new User(u.name(), u.passwordHash(), u.admin(), u.createdAt(), u.keys(), tokens)));
            return token;
        });
    }

    @Override
    public boolean revokeToken(String user, String tokenName) {
        return write("Revoke token " + tokenName + " of " + user, (st, files) -> {
            User u = existingUser(st, user);
            List<AccessToken> tokens = u.tokens().stream().filter(t -> !t.name().equals(tokenName)).toList();
            if (tokens.size() == u.tokens().size()) {
                return false;
            }
            files.put(SiteJson.userPath(user), SiteJson.writeUser(
                    new User(u.name(), u.passwordHash(), u.admin(), u.createdAt(), u.keys(), tokens)));
            return true;
        });
    }

    @Override
    public Optional<TokenOwner> tokenByHash(String hash) {
        return hash == null ? Optional.empty() : state().token(hash);
    }

    @Override
    public Optional<TokenLookup> tokenLookup(String hash) {
        if (hash == null) {
            return Optional.empty();
        }
        SiteState st = state();
        return st.token(hash).map(owner -> new TokenLookup(owner, owner.owner().isDevice() ? null
                : st.user(owner.owner().user()).map(User::admin).orElse(null)));
    }

    @Override
    public SshKey addKey(String user, SshKey key) {
        return write("Add SSH key " + key.title() + " for " + user, (st, files) -> {
            User u = existingUser(st, user);
            if (u.keys().stream().anyMatch(k -> k.title().equals(key.title()))) {
                throw new MetaConflictException("user '" + user + "' already has an SSH key titled '" + key.title() + "'");
            }
            checkCredentials(st, null, List.of(key), List.of());
            List<SshKey> keys = new ArrayList<>(u.keys());
            keys.add(key);
            files.put(SiteJson.userPath(user), SiteJson.writeUser(
                    new User(u.name(), u.passwordHash(), u.admin(), u.createdAt(), keys, u.tokens())));
            return key;
        });
    }

    @Override
    public boolean removeKey(String user, String titleOrFingerprint) {
        return write("Remove SSH key " + titleOrFingerprint + " of " + user, (st, files) -> {
            User u = existingUser(st, user);
            List<SshKey> keys = u.keys().stream().filter(k -> !k.title().equals(titleOrFingerprint)
                    && !k.fingerprint().equals(titleOrFingerprint)).toList();
            if (keys.size() == u.keys().size()) {
                return false;
            }
            files.put(SiteJson.userPath(user), SiteJson.writeUser(
                    new User(u.name(), u.passwordHash(), u.admin(), u.createdAt(), keys, u.tokens())));
            return true;
        });
    }

    @Override
    public Optional<KeyOwner> keyByFingerprint(String fingerprint) {
        return fingerprint == null ? Optional.empty() : state().key(fingerprint);
    }

    @Override
    public void putDevice(DeviceCredentials device) {
        Names.require("team", device.team());
        Names.require("device", device.device());
        write("Set credentials of device " + device.team() + "/" + device.device(), (st, files) -> {
            List<String> hashes = device.tokenHash() == null ? List.of() : List.of(device.tokenHash());
            checkCredentials(st, KeyOwner.device(device.team(), device.device()), device.keys(), hashes);
            files.put(SiteJson.devicePath(device.team(), device.device()), SiteJson.writeDevice(device));
            return null;
        });
    }

    @Override
    public Optional<DeviceCredentials> device(String team, String device) {
        return Names.isValid(team) && Names.isValid(device) ? state().device(team, device) : Optional.empty();
    }

    @Override
    public void removeDevice(String team, String device) {
        if (!Names.isValid(team) || !Names.isValid(device)) {
            return;
        }
        write("Remove device " + team + "/" + device, (st, files) -> {
            files.remove(SiteJson.devicePath(team, device));
            return null;
        });
    }

    @Override
    public List<String> teams() {
        return state().teams();
    }

    @Override
    public void registerTeam(String team) {
        Names.require("team", team);
        write("Register team " + team, (st, files) -> {
            if (st.hasTeam(team)) {
                throw new MetaConflictException("team '" + team + "' already exists");
            }
            files.put(SiteJson.teamPath(team), SiteJson.writeTeam(team, clock.instant()));
            return null;
        });
    }

    /** Also drops the team's device credentials, so devices of a deleted team stop authenticating. */
    @Override
    public void unregisterTeam(String team) {
        if (!Names.isValid(team)) {
            return;
        }
        write("Unregister team " + team, (st, files) -> {
            files.keySet().removeIf(p -> p.equals(SiteJson.teamPath(team)) || p.startsWith(SiteJson.DEVICES + team + "/"));
            return null;
        });
    }

    /** The parsed state at the current commit: one ref lookup when it is cached. */
    SiteState state() {
        try {
            ObjectId head = meta.cachedHead();
            if (head == null) {
                return SiteState.EMPTY;
            }
            return states.get(head.copy(), id -> {
                try {
                    return SiteState.parse(meta.read(id).files());
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + REF, e);
        }
    }

    private SiteState state(MetaRef.Snapshot snapshot) {
        if (snapshot.isEmpty()) {
            return SiteState.EMPTY;
        }
        return states.get(snapshot.commit().copy(), id -> SiteState.parse(snapshot.files()));
    }

    private <R> R write(String message, BiFunction<SiteState, Map<String, byte[]>, R> change) {
        AtomicReference<R> result = new AtomicReference<>();
        PersonIdent ident = new PersonIdent("flowstage", "flowstage@flowstage", clock.instant(), ZoneOffset.UTC);
        try {
            meta.update(message, ident, snapshot -> {
                Map<String, byte[]> files = new TreeMap<>(snapshot.files());
                result.set(change.apply(state(snapshot), files));
                return files;
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + REF, e);
        }
        return result.get();
    }

    private static User existingUser(SiteState st, String name) {
        return st.user(name).orElseThrow(() -> new MetaNotFoundException("user '" + name + "' does not exist"));
    }

    /** Keys and token hashes must not belong to anyone but {@code owner} (null: to no one at all). */
    private static void checkCredentials(SiteState st, KeyOwner owner, List<SshKey> keys, List<String> tokenHashes) {
        Set<String> seen = new HashSet<>();
        for (SshKey k : keys) {
            Optional<KeyOwner> current = st.key(k.fingerprint());
            if (!seen.add(k.fingerprint()) || (current.isPresent() && !current.get().equals(owner))) {
                throw new MetaConflictException("SSH key " + k.fingerprint() + " is already registered");
            }
        }
        for (String hash : tokenHashes) {
            Optional<TokenOwner> current = st.token(hash);
            if (current.isPresent() && !current.get().owner().equals(owner)) {
                // a hash collision means a reused secret; never say whose
                throw new MetaConflictException("this token is already in use");
            }
        }
    }

    @Override
    public void close() {
        repo.close();
    }
}
