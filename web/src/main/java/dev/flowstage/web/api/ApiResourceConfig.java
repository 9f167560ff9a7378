package dev.flowstage.web.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flowstage.web.api.docs.OpenApiResource;
import dev.flowstage.web.api.pipelines.PipelineApi;
import dev.flowstage.web.api.pipelines.PipelinesResource;
import dev.flowstage.web.api.pipelines.RunsResource;
import dev.flowstage.web.api.reviews.ReviewsResource;
import dev.flowstage.web.api.snapshots.CompareResource;
import dev.flowstage.web.api.snapshots.InstanceStatusResource;
import dev.flowstage.web.api.snapshots.SnapshotsResource;
import dev.flowstage.web.api.targets.ApplicationsResource;
import dev.flowstage.web.api.targets.TargetsResource;
import dev.flowstage.web.api.teams.MembersResource;
import dev.flowstage.web.api.teams.TeamsResource;
import dev.flowstage.web.api.tokens.TokensResource;
import dev.flowstage.web.api.users.CurrentUserResource;
import dev.flowstage.web.api.users.UsersResource;
import org.glassfish.jersey.internal.inject.AbstractBinder;
import org.glassfish.jersey.jackson.JacksonFeature;
import org.glassfish.jersey.server.ResourceConfig;
import org.glassfish.jersey.server.ServerProperties;

/**
 * The REST API of SPEC §5 as a Jersey application, mounted by the server at {@code /api/v1/*}:
 * resources, JSON, authentication and the error shape.
 */
public final class ApiResourceConfig extends ResourceConfig {
    public ApiResourceConfig(ApiServices services) {
        this(services, null);
    }

    /** With the pipeline resources when {@code pipelines} is not null. */
    public ApiResourceConfig(ApiServices services, PipelineApi pipelines) {
        ApiJson json = new ApiJson();
        TeamGuard guard = new TeamGuard(services.teams(), services.access());
        // Our mappers give JSON errors the API's shape; Jackson's own would answer in plain text.
        register(JacksonFeature.withoutExceptionMappers());
        register(json);
        register(new AuthFilter(services.authenticator()));
        register(UnreadBodyDrain.class);
        register(new JsonContentTypeFilter());
        ErrorMappers.all().forEach(this::register);
        // Resources are singletons built by Jersey's injector from these instances.
        register(new AbstractBinder() {
            @Override
            protected void configure() {
                bind(services).to(ApiServices.class);
                bind(guard).to(TeamGuard.class);
                bind(json.mapper()).to(ObjectMapper.class);
                if (pipelines != null) {
                    bind(pipelines).to(PipelineApi.class);
                }
            }
        });
        register(TokensResource.class);
        register(CurrentUserResource.class);
        register(UsersResource.class);
        register(TeamsResource.class);
        register(MembersResource.class);
        register(ApplicationsResource.class);
        register(TargetsResource.class);
        register(ReviewsResource.class);
        if (pipelines != null) {
            register(PipelinesResource.class);
            register(RunsResource.class);
        }
        register(SnapshotsResource.class);
        register(CompareResource.class);
        register(InstanceStatusResource.class);
        register(OpenApiResource.class);
        property(ServerProperties.WADL_FEATURE_DISABLE, true);
        // Everything is registered above; scanning the class path for features only costs start-up time.
        property(org.glassfish.jersey.CommonProperties.FEATURE_AUTO_DISCOVERY_DISABLE, true);
        property(ServerProperties.RESPONSE_SET_STATUS_OVER_SEND_ERROR, true);
    }
}
