package io.driftline.catalog.config;

import io.driftline.catalog.graph.Catalog;
import io.driftline.catalog.graph.CatalogStore;
import io.driftline.catalog.graph.DescriptionMapper;
import io.driftline.catalog.match.CapabilityIndex;
import io.driftline.catalog.match.Matchmaker;
import io.driftline.catalog.shapes.ShapeValidator;
import io.driftline.catalog.sparql.FleetQueries;
import io.driftline.catalog.sparql.SparqlService;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Wires the dataset, the catalog writer, the capability index, matchmaking and SPARQL. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(CatalogProperties.class)
class CatalogConfiguration {

  private static final Logger log = LoggerFactory.getLogger(CatalogConfiguration.class);

  @Bean(destroyMethod = "close")
  CatalogStore catalogStore(CatalogProperties properties) {
    CatalogStore store = new CatalogStore(properties.dataset());
    log.info("catalog dataset opened: folder={}", properties.dataset().toAbsolutePath());
    return store;
  }

  @Bean
  ShapeValidator shapeValidator() {
    return new ShapeValidator();
  }

  @Bean
  CapabilityIndex capabilityIndex(CatalogStore store, MeterRegistry meters) {
    CapabilityIndex index = new CapabilityIndex(store);
    Gauge.builder("driftline.catalog.devices", index, i -> i.devices().size())
        .description("devices in the catalog, revoked included").register(meters);
    Gauge.builder("driftline.catalog.model.versions", index, i -> i.artefacts().size())
        .description("model versions in the catalog").register(meters);
    log.info("capability index loaded: devices={} versions={}", index.devices().size(), index.artefacts().size());
    return index;
  }

  @Bean
  Catalog catalog(CatalogStore store, ShapeValidator validator, CapabilityIndex index) {
    Catalog catalog = new Catalog(store, new DescriptionMapper(), validator);
    catalog.addListener(index);
    return catalog;
  }

  @Bean
  Matchmaker matchmaker(CapabilityIndex index, CatalogProperties properties) {
    return new Matchmaker(index, properties.matchmaking().framesPerSecond());
  }

  @Bean
  SparqlService sparqlService(CatalogStore store, CatalogProperties properties) {
    return new SparqlService(store, properties.sparql().timeout(), properties.sparql().maxResults());
  }

  @Bean
  FleetQueries fleetQueries(SparqlService sparql) {
    return new FleetQueries(sparql);
  }
}
