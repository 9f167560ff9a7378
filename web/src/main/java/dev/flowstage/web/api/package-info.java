/**
 * The REST API under {@code /api/v1} (SPEC §5), as a Jersey application: {@link
 * dev.flowstage.web.api.ApiResourceConfig} over {@link dev.flowstage.web.api.ApiServices}.
 *
 * <p>Who may do what (SPEC §4), decided in {@link dev.flowstage.web.api.TeamGuard} from
 * {@code AccessControl.role()}:
 * <ul>
 *   <li>Server admins create users and teams; the creator of a team becomes its owner. Admins act as
 *       owners of every team (TeamAccessControl).</li>
 *   <li>A team's resources answer 404 to non-members (and devices) as if the team did not exist.</li>
 *   <li>Viewers and members read everything of the team; changes to team configuration
 *       (applications, instances, devices, groups, members) are an owner's.</li>
 *   <li>Token scope caps the user: a read token may only GET; a write token may change team
 *       configuration; member management, team deletion, device tokens, personal tokens, SSH keys,
 *       passwords and user administration need admin scope (a password session is admin scope), so a
 *       token can never mint a stronger one.</li>
 * </ul>
 *
 * <p>Lists answer {@code {"items":[...],"next":CURSOR|null}}, newest first (members: by user name),
 * with {@code ?limit=1..100} (default 50) and an opaque {@code ?cursor=}. Errors answer
 * {@code {"error":{"code":"snake_case","message":"..."}}}.
 */
package dev.flowstage.web.api;
