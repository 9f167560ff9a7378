package dev.flowstage.hooks.git;

import dev.flowstage.hooks.access.Principal;
import dev.flowstage.storage.repo.RepoName;
import java.util.List;

/**
 * A Git request as both transports see it: who, which repository, from where, and the protocol
 * parameters sent in the {@code Git-Protocol} header (HTTP) or {@code GIT_PROTOCOL} variable (SSH),
 * e.g. {@code ["version=2"]}.
 */
public record GitRequest(Principal principal, RepoName repo, String transport, String remoteAddress,
                         List<String> protocolParameters) {
    public GitRequest {
        protocolParameters = List.copyOf(protocolParameters);
    }
}
