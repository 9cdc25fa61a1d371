package io.driftline.catalog.vocab;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftline.catalog.shapes.ShapeValidator;
import java.io.InputStream;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.jena.rdf.model.Model;
import org.apache.jena.rdf.model.ModelFactory;
import org.apache.jena.rdf.model.RDFNode;
import org.apache.jena.rdf.model.Resource;
import org.apache.jena.riot.Lang;
import org.apache.jena.riot.RDFDataMgr;
import org.apache.jena.vocabulary.RDF;
import org.junit.jupiter.api.Test;

/** The published vocabulary declares every term the code uses, and docs/ holds the same files. */
class VocabularyTest {

  @Test
  void everyTermInTheCodeIsDeclaredInTheVocabulary() throws Exception {
    Model vocabulary = ModelFactory.createDefaultModel();
    RDFDataMgr.read(vocabulary, DL.VOCABULARY_RESOURCE, Lang.TURTLE);
    int checked = 0;
    for (Field field : DL.class.getFields()) {
      if (field.get(null) instanceof Resource term) {
        assertThat(vocabulary.contains(term, RDF.type, (RDFNode) null)).as("%s is declared", term).isTrue();
        checked++;
      }
    }
    assertThat(checked).isGreaterThan(60);
  }

  @Test
  void docsPublishTheSameVocabularyAndShapes() throws Exception {
    Path docs = Path.of("..", "docs");
    assertThat(Files.readString(docs.resolve("driftline-vocabulary.ttl"))).isEqualTo(text(DL.VOCABULARY_RESOURCE));
    assertThat(Files.readString(docs.resolve("driftline-shapes.ttl"))).isEqualTo(text(ShapeValidator.SHAPES_RESOURCE));
  }

  private static String text(String resource) throws Exception {
    try (InputStream in = VocabularyTest.class.getClassLoader().getResourceAsStream(resource)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
