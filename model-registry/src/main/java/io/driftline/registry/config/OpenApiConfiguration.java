package io.driftline.registry.config;

import io.swagger.v3.oas.annotations.OpenAPIDefinition;
import io.swagger.v3.oas.annotations.enums.SecuritySchemeType;
import io.swagger.v3.oas.annotations.info.Info;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.security.SecurityScheme;
import org.springframework.context.annotation.Configuration;

/** Describes the API in the OpenAPI document: title, and the bearer token every call needs. */
@Configuration(proxyBeanMethods = false)
@OpenAPIDefinition(
    info = @Info(title = "Driftline model registry", version = "v1",
        description = "Models, versions, lineage, aliases, artefacts, devices, desired state and rollouts. "
            + "Errors are application/problem+json. See docs/model-registry.md."),
    security = @SecurityRequirement(name = "bearer"))
@SecurityScheme(name = "bearer", type = SecuritySchemeType.HTTP, scheme = "bearer",
    description = "An API token (admin, operator, viewer) or a device token from enrolment")
class OpenApiConfiguration {}
