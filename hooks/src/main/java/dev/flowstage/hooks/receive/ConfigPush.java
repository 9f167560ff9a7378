package dev.flowstage.hooks.receive;

import dev.flowstage.storage.meta.MetaInvalidException;
import dev.flowstage.storage.meta.MetaRef;
import dev.flowstage.storage.meta.SiteStore;
import dev.flowstage.storage.meta.Target;
import dev.flowstage.storage.meta.TargetKind;
import dev.flowstage.storage.meta.TargetListener;
import dev.flowstage.storage.meta.TeamConfig;
import dev.flowstage.storage.meta.TeamConfigFiles;
import dev.flowstage.storage.repo.RepoName;
import dev.flowstage.storage.repo.RepoStore;
import dev.flowstage.storage.secret.SecretBox;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevWalk;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An owner's push to {@code main} of a team's {@code _config.git} (SPEC §9): the pushed files must
 * parse and validate exactly as the API would accept them (same messages), members must be existing
 * users, secrets may only be values the server sealed, and every {@link ConfigRule} must pass. Once
 * stored, targets the push added get their repository and targets it removed lose theirs, as through
 * the API.
 */
public final class ConfigPush {
    private static final Logger LOG = LoggerFactory.getLogger(ConfigPush.class);

    private final SiteStore site;
    private final SecretBox secrets;
    private final RepoStore repos;
    private final List<ConfigRule> rules;
    private final TargetListener listener;

    public ConfigPush(SiteStore site, SecretBox secrets, RepoStore repos, List<ConfigRule> rules) {
        this(site, secrets, repos, rules, new TargetListener() { });
    }

    /** With {@code listener} told of each stored configuration push (after target repositories were created). */
    public ConfigPush(SiteStore site, SecretBox secrets, RepoStore repos, List<ConfigRule> rules,
            TargetListener listener) {
        this.listener = Objects.requireNonNull(listener);
        this.site = Objects.requireNonNull(site);
        this.secrets = Objects.requireNonNull(secrets);
        this.repos = Objects.requireNonNull(repos);
        this.rules = List.copyOf(rules);
    }

    /** The problems of the configuration at {@code commit}, each a line for the client; empty when it may be stored. */
    public List<String> problems(Repository repository, String team, ObjectId commit) throws IOException {
        TeamConfig config;
        try {
            config = read(repository, team, commit);
        } catch (MetaInvalidException e) {
            return List.of("flowstage: " + e.getMessage());
        }
        List<String> problems = new ArrayList<>();
        for (String user : config.members().keySet()) {
            if (site.user(user).isEmpty()) {
                problems.add("flowstage: members.json: user '" + user + "' does not exist");
            }
        }
        for (Target t : config.targets().values()) {
            String path = t.kind().plural() + "/" + t.name() + ".json";
            checkSealed(problems, path, "credentialSecret", t.sealedCredentialSecret());
            if (t.nodeRed() != null) {
                checkSealed(problems, path, "nodeRed token", t.nodeRed().sealedToken());
            }
        }
        for (ConfigRule rule : rules) {
            for (String p : rule.problems(config)) {
                problems.add("flowstage: " + p);
            }
        }
        return problems;
    }

    private void checkSealed(List<String> problems, String path, String what, String sealed) {
        if (sealed == null) {
            return;
        }
        try {
            secrets.open(sealed);
        } catch (IllegalArgumentException e) {
            problems.add("flowstage: " + path + ": the " + what + " is not a value sealed by this server;"
                    + " set secrets through the API, never in plain text");
        }
    }

    /** After {@code main} moved from {@code oldCommit} (null when created) to {@code newCommit}: create and remove target repositories. */
    public void applied(Repository repository, String team, ObjectId oldCommit, ObjectId newCommit) {
        try {
            TeamConfig beforeConfig = oldCommit == null ? null : read(repository, team, oldCommit);
            TeamConfig afterConfig = read(repository, team, newCommit);
            Map<String, Target> before = beforeConfig == null ? Map.of() : beforeConfig.targets();
            Map<String, Target> after = afterConfig.targets();
            for (String name : after.keySet()) {
                RepoName repo = new RepoName(team, name);
                if (!before.containsKey(name) && !repos.exists(repo)) {
                    repos.create(repo).close();
                }
            }
            for (Map.Entry<String, Target> gone : before.entrySet()) {
                if (!after.containsKey(gone.getKey())) {
                    repos.delete(new RepoName(team, gone.getKey()));
                    if (gone.getValue().kind() == TargetKind.DEVICE) {
                        site.removeDevice(team, gone.getKey());
                    }
                }
            }
            if (beforeConfig != null) {
                listener.configChanged(team, beforeConfig, afterConfig);
            }
        } catch (IOException | RuntimeException e) {
            LOG.error("applying the pushed configuration of team {} failed", team, e);
        }
    }

    private static TeamConfig read(Repository repository, String team, ObjectId commit) throws IOException {
        try (RevWalk walk = new RevWalk(repository)) {
            walk.parseCommit(commit);
        }
        Map<String, byte[]> files = new MetaRef(repository, "refs/heads/main").read(commit).files();
        return TeamConfigFiles.parse(team, files);
    }
}
