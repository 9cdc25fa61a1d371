/**
 * Checks of the docker-compose deployment without a Docker engine: the compose file against the
 * modules it deploys (services, Dockerfiles, ports, health checks, dependencies, KRaft, volumes, and
 * every environment variable against the properties the service reads), and the key exchange
 * between the cloud teacher and the model registry.
 */
@NullMarked
package io.driftline.e2e.compose;

import org.jspecify.annotations.NullMarked;
