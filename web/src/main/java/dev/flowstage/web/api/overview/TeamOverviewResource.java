package dev.flowstage.web.api.overview;

import dev.flowstage.hooks.devices.DeviceFleet;
import dev.flowstage.hooks.nodered.InstanceStatus;
import dev.flowstage.storage.meta.Role;
import dev.flowstage.storage.meta.Target;
import dev.flowstage.storage.meta.TeamConfig;
import dev.flowstage.storage.meta.TokenScope;
import dev.flowstage.storage.repo.RepoName;
import dev.flowstage.web.api.ApiSecurityContext;
import dev.flowstage.web.api.ApiServices;
import dev.flowstage.web.api.PublicUrls;
import dev.flowstage.web.api.TeamGuard;
import dev.flowstage.web.api.targets.TargetView;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.SecurityContext;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.eclipse.jgit.errors.RepositoryNotFoundException;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;

/** The team overview for any member: applications, and per target its current commit and state. */
@Path("teams/{team}/overview")
@Produces(MediaType.APPLICATION_JSON)
@Singleton
public final class TeamOverviewResource {
    private final ApiServices services;
    private final TeamGuard guard;
    private final DeviceFleet fleet;

    @Inject
    public TeamOverviewResource(ApiServices services, TeamGuard guard, DeviceFleet fleet) {
        this.services = services;
        this.guard = guard;
        this.fleet = fleet;
    }

    @GET
    public TeamOverview get(@Context SecurityContext sc, @PathParam("team") String team) throws IOException {
        TeamConfig c = guard.require(ApiSecurityContext.principal(sc), team, Role.VIEWER, TokenScope.READ);
        PublicUrls urls = services.urls();
        List<TeamOverview.Application> apps = c.applications().values().stream()
                .sorted(Comparator.comparing(a -> a.name()))
                .map(a -> new TeamOverview.Application(a.name(), a.description())).toList();
        List<TeamOverview.Item> items = new ArrayList<>();
        for (Target t : c.targets().values().stream().sorted(Comparator.comparing(Target::name)).toList()) {
            TeamOverview.Commit commit = main(new RepoName(team, t.name()));
            items.add(new TeamOverview.Item(TargetView.of(team, t, urls), commit, status(c, t, commit)));
        }
        return new TeamOverview(apps, items);
    }

    private TeamOverview.Status status(TeamConfig c, Target t, TeamOverview.Commit commit) throws IOException {
        String team = c.name();
        return switch (t.kind()) {
            case INSTANCE -> {
                InstanceStatus s = services.nodeRed().status().read(team, t.name()).orElse(null);
                TargetState state = TargetState.ofInstance(t.nodeRed() != null, commit == null ? null : commit.id(), s);
                yield new TeamOverview.Status(state.json(), s == null ? null : s.message(), s == null ? null : s.time(),
                        null, null);
            }
            case DEVICE -> {
                DeviceFleet.DeviceView d = fleet.device(team, t.name());
                yield new TeamOverview.Status(TargetState.ofDevice(d).json(), d.message(), d.lastSeen(),
                        d.activeCommit(), null);
            }
            case GROUP -> {
                DeviceFleet.GroupSummary s = fleet.group(c, t.name());
                yield new TeamOverview.Status(TargetState.ofGroup(s).json(), null, null, null, s);
            }
        };
    }

    /** The target's {@code main}, or null before its first commit (or when its repository is gone meanwhile). */
    private TeamOverview.Commit main(RepoName name) throws IOException {
        try (Repository repo = services.repos().open(name)) {
            Ref main = repo.exactRef("refs/heads/main");
            if (main == null || main.getObjectId() == null) {
                return null;
            }
            try (RevWalk walk = new RevWalk(repo)) {
                RevCommit c = walk.parseCommit(main.getObjectId());
                return new TeamOverview.Commit(c.name(), c.getShortMessage(), c.getAuthorIdent().getName(),
                        c.getAuthorIdent().getWhenAsInstant());
            }
        } catch (RepositoryNotFoundException gone) {
            return null;
        }
    }
}
