package dev.flowstage.web.api.reviews;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flowstage.hooks.access.Principal;
import dev.flowstage.hooks.review.InvalidReviewCommentException;
import dev.flowstage.hooks.review.ReviewComment;
import dev.flowstage.hooks.review.ReviewConflictException;
import dev.flowstage.hooks.review.ReviewDiff;
import dev.flowstage.hooks.review.ReviewForbiddenException;
import dev.flowstage.storage.meta.Role;
import dev.flowstage.storage.meta.TokenScope;
import dev.flowstage.storage.review.Review;
import dev.flowstage.storage.review.ReviewState;
import dev.flowstage.web.api.ApiException;
import dev.flowstage.web.api.ApiSecurityContext;
import dev.flowstage.web.api.ApiServices;
import dev.flowstage.web.api.Page;
import dev.flowstage.web.api.TeamGuard;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.SecurityContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.function.Supplier;

/**
 * A team's reviews (SPEC §5): every member lists and reads them, one review with its semantic diff
 * ({@link ReviewDiff}); owners approve and reject, each with an optional comment ({@link ReviewComment}).
 * Non-members get 404.
 */
@Path("teams/{team}/reviews")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Singleton
public final class ReviewsResource {
    private final ApiServices services;
    private final TeamGuard guard;
    private final ReviewDiff diff;
    private final ObjectMapper json;

    @Inject
    public ReviewsResource(ApiServices services, TeamGuard guard, ObjectMapper json) {
        this.services = services;
        this.guard = guard;
        this.diff = new ReviewDiff(services.repos());
        this.json = json;
    }

    /** The body of an approval or a rejection, both optional: no body, an empty body and {@code {}} have no comment. */
    @Schema(description = "A decision on a review, with an optional comment")
    public record DecisionBody(
            @Schema(description = "Plain text shown with the decision; line breaks and tabs but no other control "
                    + "characters; blank means none", maxLength = ReviewComment.MAX_LENGTH, nullable = true)
            String comment) {}

    @GET
    public Page<ReviewView> list(@Context SecurityContext sc, @PathParam("team") String team,
                                 @QueryParam("state") String state, @QueryParam("limit") String limit,
                                 @QueryParam("cursor") String cursor) {
        guard.require(ApiSecurityContext.principal(sc), team, Role.VIEWER, TokenScope.READ);
        ReviewState filter = null;
        if (state != null && !state.isEmpty()) {
            filter = ReviewState.fromJson(state);
            if (filter == null) {
                throw ApiException.badRequest("invalid_state",
                        "state must be one of open, approved, rejected, merged, abandoned");
            }
        }
        // Ids grow with time, so the highest id is the newest review
        return Page.of(services.reviews().store().list(team, filter), r -> String.format("%019d", Long.MAX_VALUE - r.id()),
                ReviewView::of, limit, cursor);
    }

    @GET
    @Path("{id}")
    public ReviewView get(@Context SecurityContext sc, @PathParam("team") String team, @PathParam("id") String id) {
        guard.require(ApiSecurityContext.principal(sc), team, Role.VIEWER, TokenScope.READ);
        Review review = services.reviews().store().get(team, parseId(team, id)).orElseThrow(() -> notFound(team, id));
        return ReviewView.of(review, diff(review));
    }

    /** The flows of both sides of the review's diff, to draw them ({@link ReviewFlows}). */
    @GET
    @Path("{id}/flows")
    public ReviewFlows flows(@Context SecurityContext sc, @PathParam("team") String team, @PathParam("id") String id) {
        guard.require(ApiSecurityContext.principal(sc), team, Role.VIEWER, TokenScope.READ);
        Review review = services.reviews().store().get(team, parseId(team, id)).orElseThrow(() -> notFound(team, id));
        try {
            return diff.sides(review).map(s -> ReviewFlows.of(s, json)).orElseThrow(() -> ApiException.invalid(
                    "invalid_snapshot", "review " + id + " can no longer be read: its commits are not readable snapshots"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + review.team() + "/" + review.target(), e);
        }
    }

    @POST
    @Path("{id}/approve")
    public ReviewView approve(@Context SecurityContext sc, @PathParam("team") String team, @PathParam("id") String id,
                              DecisionBody body) {
        Principal caller = ApiSecurityContext.principal(sc);
        guard.require(caller, team, Role.OWNER, TokenScope.WRITE);
        long reviewId = parseId(team, id);
        String comment = body == null ? null : body.comment();
        return ReviewView.of(decide(() -> services.reviews().approve(team, reviewId, caller, comment)));
    }

    @POST
    @Path("{id}/reject")
    public ReviewView reject(@Context SecurityContext sc, @PathParam("team") String team, @PathParam("id") String id,
                             DecisionBody body) {
        Principal caller = ApiSecurityContext.principal(sc);
        guard.require(caller, team, Role.OWNER, TokenScope.WRITE);
        long reviewId = parseId(team, id);
        String comment = body == null ? null : body.comment();
        return ReviewView.of(decide(() -> services.reviews().reject(team, reviewId, caller, comment)));
    }

    private static Review decide(Supplier<Review> decision) {
        try {
            return decision.get();
        } catch (ReviewForbiddenException e) {
            throw ApiException.forbidden(e.getMessage());
        } catch (InvalidReviewCommentException e) {
            throw ApiException.invalid("invalid_field", e.getMessage());
        } catch (ReviewConflictException e) {
            throw new ApiException(409, e.conflicts().isEmpty() ? "conflict" : "merge_conflict", e.getMessage());
        }
    }

    private ReviewDiff.Result diff(Review review) {
        try {
            return diff.of(review).orElse(null);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + review.team() + "/" + review.target(), e);
        }
    }

    private static long parseId(String team, String id) {
        try {
            long n = Long.parseLong(id);
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // answered like any review that does not exist
        }
        throw notFound(team, id);
    }

    private static ApiException notFound(String team, String id) {
        return ApiException.notFound("review " + id + " does not exist in team '" + team + "'");
    }
}
