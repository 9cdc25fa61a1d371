package io.driftline.catalog.sparql;

import io.driftline.catalog.graph.CatalogStore;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.apache.jena.graph.Node;
import org.apache.jena.query.ARQ;
import org.apache.jena.query.Query;
import org.apache.jena.query.QueryCancelledException;
import org.apache.jena.query.QueryDeniedException;
import org.apache.jena.query.QueryExecution;
import org.apache.jena.query.QueryFactory;
import org.apache.jena.query.QueryParseException;
import org.apache.jena.query.QuerySolutionMap;
import org.apache.jena.query.ResultSetFormatter;
import org.apache.jena.query.Syntax;
import org.apache.jena.rdf.model.Model;
import org.apache.jena.riot.Lang;
import org.apache.jena.riot.RDFDataMgr;
import org.apache.jena.sparql.util.NodeFactoryExtra;
import org.apache.jena.update.UpdateFactory;
import org.jspecify.annotations.Nullable;

/**
 * Runs read-only SPARQL queries over the catalog dataset (all named graphs as the default graph).
 *
 * <p>A hostile query cannot take the service down or change it: the text must parse as a SPARQL
 * 1.1 query of at most {@value #MAX_QUERY_CHARS} characters (updates are rejected, and queries run
 * in a read transaction anyway); FROM / FROM NAMED
 * and SERVICE are refused, so nothing is fetched from elsewhere; every query gets a timeout and at
 * most {@code maxResults} results. Client values are bound to variables by syntax-level
 * substitution, never pasted into the query text.
 */
public final class SparqlService {

  private static final Pattern VARIABLE = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,63}");

  /** Longest query text accepted; longer ones are rejected before parsing. */
  public static final int MAX_QUERY_CHARS = 65_536;

  private final CatalogStore store;
  private final Duration timeout;
  private final int maxResults;

  /**
   * Creates the service.
   *
   * @param timeout how long a query may run, from start to its last result
   * @param maxResults the most results a query returns (its LIMIT is lowered to this)
   */
  public SparqlService(CatalogStore store, Duration timeout, int maxResults) {
    if (timeout.isNegative() || timeout.isZero() || maxResults < 1) {
      throw new IllegalArgumentException("timeout must be > 0 and maxResults >= 1");
    }
    this.store = store;
    this.timeout = timeout;
    this.maxResults = maxResults;
  }

  /** The result limit. */
  public int maxResults() {
    return maxResults;
  }

  /**
   * Parses and runs {@code queryText} with {@code bindings}.
   *
   * @param bindings variable name (without {@code ?}) to value: an RDF term in Turtle syntax
   *     ({@code <iri>}, {@code "text"}, {@code 42}, {@code "x"^^xsd:...}); a value that is not exactly
   *     one term is bound as a plain string
   * @throws SparqlRejectedException if the text is not an acceptable query or a binding is malformed
   * @throws SparqlTimeoutException if the query ran too long
   */
  public SparqlResult query(String queryText, Map<String, String> bindings) {
    Query query = parse(queryText);
    QuerySolutionMap substitution = new QuerySolutionMap();
    for (Map.Entry<String, String> binding : bindings.entrySet()) {
      substitution.add(variable(binding.getKey()), store.dataset().getDefaultModel()
          .asRDFNode(term(binding.getValue())));
    }
    return run(query, substitution);
  }

  /**
   * Runs an already built query (such as one from {@link org.apache.jena.query.ParameterizedSparqlString})
   * under the same timeout and limit.
   */
  public SparqlResult run(Query query, QuerySolutionMap substitution) {
    boolean limited = false;
    if (!query.isAskType() && (!query.hasLimit() || query.getLimit() > maxResults)) {
      query.setLimit(maxResults);
      limited = true;
    }
    final boolean limitApplied = limited;
    try {
      return store.read(() -> {
        try (QueryExecution execution = QueryExecution.dataset(store.dataset())
            .query(query)
            .substitution(substitution)
            .set(ARQ.httpServiceAllowed, false)
            .timeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
            .build()) {
          ByteArrayOutputStream out = new ByteArrayOutputStream();
          if (query.isSelectType()) {
            ResultSetFormatter.outputAsJSON(out, execution.execSelect());
            return new SparqlResult(SparqlResult.RESULTS_JSON, out.toByteArray(), limitApplied ? maxResults : null);
          }
          if (query.isAskType()) {
            ResultSetFormatter.outputAsJSON(out, execution.execAsk());
            return new SparqlResult(SparqlResult.RESULTS_JSON, out.toByteArray(), null);
          }
          Model model = query.isConstructType() ? execution.execConstruct() : execution.execDescribe();
          RDFDataMgr.write(out, model, Lang.TURTLE);
          return new SparqlResult(SparqlResult.TURTLE, out.toByteArray(), limitApplied ? maxResults : null);
        }
      });
    } catch (QueryCancelledException e) {
      throw new SparqlTimeoutException(timeout, e);
    } catch (QueryDeniedException e) {
      throw new SparqlRejectedException("SERVICE is not allowed: this endpoint queries the catalog only");
    }
  }

  private static Query parse(String text) {
    if (text.isBlank()) {
      throw new SparqlRejectedException("the query is empty; send a SPARQL 1.1 SELECT, ASK, CONSTRUCT or DESCRIBE");
    }
    if (text.length() > MAX_QUERY_CHARS) {
      throw new SparqlRejectedException("the query has " + text.length() + " characters; at most "
          + MAX_QUERY_CHARS + " are accepted");
    }
    Query query;
    try {
      query = QueryFactory.create(text, Syntax.syntaxSPARQL_11);
    } catch (QueryParseException e) {
      if (isUpdate(text)) {
        throw new SparqlRejectedException("this endpoint is read-only: SPARQL updates are rejected; "
            + "change the catalog through registry events or the description resources");
      }
      throw new SparqlRejectedException("the query does not parse: " + e.getMessage());
    }
    if (query.hasDatasetDescription()) {
      throw new SparqlRejectedException("FROM and FROM NAMED are not supported: the dataset is fixed "
          + "(the default graph is the union of all graphs; use GRAPH for one of them)");
    }
    return query;
  }

  private static boolean isUpdate(String text) {
    try {
      UpdateFactory.create(text);
      return true;
    } catch (RuntimeException e) {
      return false;
    }
  }

  private static String variable(String name) {
    String bare = name.startsWith("?") || name.startsWith("$") ? name.substring(1) : name;
    if (!VARIABLE.matcher(bare).matches()) {
      throw new SparqlRejectedException("'" + name + "' is not a variable name (letters, digits, _; up to 64)");
    }
    return bare;
  }

  private static Node term(String value) {
    @Nullable Node node;
    try {
      node = NodeFactoryExtra.parseNode(value);
    } catch (RuntimeException e) {
      node = null;
    }
    if (node == null || node.isVariable() || node.isBlank()) {
      return org.apache.jena.graph.NodeFactory.createLiteralString(value);
    }
    return node;
  }
}
