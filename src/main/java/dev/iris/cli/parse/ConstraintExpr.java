package dev.iris.cli.parse;

import static dev.iris.cli.parse.InvalidValueException.quote;

import dev.iris.core.ConstraintOp;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A placement constraint on a worker attribute, as written after {@code --constraint}.
 *
 * <table>
 *   <caption>Syntax</caption>
 *   <tr><td>{@code key=value}, {@code key==value}</td><td>{@link ConstraintOp#EQ}</td></tr>
 *   <tr><td>{@code key!=value}</td><td>{@link ConstraintOp#NE}</td></tr>
 *   <tr><td>{@code key}</td><td>{@link ConstraintOp#EXISTS}</td></tr>
 *   <tr><td>{@code !key}</td><td>{@link ConstraintOp#NOT_EXISTS}</td></tr>
 *   <tr><td>{@code key>3}, {@code key>=3}, {@code key<3}, {@code key<=3}</td>
 *       <td>{@link ConstraintOp#GT}, {@link ConstraintOp#GE}, {@link ConstraintOp#LT},
 *       {@link ConstraintOp#LE} (numbers only)</td></tr>
 *   <tr><td>{@code key in a,b,c}, {@code key in (a,b,c)}</td><td>{@link ConstraintOp#IN}</td></tr>
 * </table>
 *
 * <p>Keys are letters, digits and {@code _ . - /}. Whitespace around operators is ignored.
 *
 * @param key the worker attribute
 * @param op the comparison
 * @param value the operand of EQ, NE, GT, GE, LT and LE; empty otherwise
 * @param values the operands of IN; empty otherwise
 */
public record ConstraintExpr(String key, ConstraintOp op, String value, List<String> values) {

  private static final Pattern KEY = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.\\-/]*");
  private static final Pattern IN =
      Pattern.compile("(?<key>\\S+)\\s+(?i:in)\\b\\s*(?<list>.*)", Pattern.DOTALL);
  private static final Pattern COMPARISON =
      Pattern.compile("(?<key>[^=!<>\\s]+)\\s*(?<op>==|!=|>=|<=|=|>|<)\\s*(?<value>.*)", Pattern.DOTALL);
  private static final String EXAMPLES =
      "(examples: region=us-east, gpu!=a100, rack, !spot, cores>=8, zone in a,b)";

  public ConstraintExpr {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(op, "op");
    Objects.requireNonNull(value, "value");
    values = List.copyOf(values);
  }

  /**
   * Parses one constraint expression.
   *
   * @throws InvalidValueException when {@code text} is not a constraint, with the reason
   */
  public static ConstraintExpr parse(String text) {
    String trimmed = text == null ? "" : text.strip();
    if (trimmed.isEmpty()) {
      throw new InvalidValueException("an empty constraint is not a constraint " + EXAMPLES);
    }
    if (trimmed.startsWith("!") && !trimmed.startsWith("!=")) {
      String key = key(text, trimmed.substring(1).strip());
      return new ConstraintExpr(key, ConstraintOp.NOT_EXISTS, "", List.of());
    }
    Matcher in = IN.matcher(trimmed);
    if (in.matches()) {
      String key = key(text, in.group("key"));
      return new ConstraintExpr(key, ConstraintOp.IN, "", list(text, in.group("list")));
    }
    Matcher comparison = COMPARISON.matcher(trimmed);
    if (comparison.matches()) {
      ConstraintOp op = op(comparison.group("op"));
      String value = comparison.group("value").strip();
      if (value.isEmpty()) {
        throw new InvalidValueException(
            quote(text) + " has no value after '" + comparison.group("op") + "' " + EXAMPLES);
      }
      if (op != ConstraintOp.EQ && op != ConstraintOp.NE && !isNumber(value)) {
        throw new InvalidValueException(
            quote(text) + " compares with " + quote(value) + ", which is not a number");
      }
      return new ConstraintExpr(key(text, comparison.group("key")), op, value, List.of());
    }
    return new ConstraintExpr(key(text, trimmed), ConstraintOp.EXISTS, "", List.of());
  }

  /** Whether {@code key} is a valid attribute key: letters, digits and {@code _ . - /}. */
  public static boolean isValidKey(String key) {
    return key != null && KEY.matcher(key).matches();
  }

  private static String key(String text, String key) {
    if (key.isEmpty()) {
      throw new InvalidValueException(quote(text) + " has no attribute key " + EXAMPLES);
    }
    if (!KEY.matcher(key).matches()) {
      throw new InvalidValueException(
          quote(text) + " is not a constraint: " + quote(key)
              + " is not an attribute key (letters, digits, _ . - /) " + EXAMPLES);
    }
    return key;
  }

  private static List<String> list(String text, String list) {
    String items = list.strip();
    boolean opens = items.startsWith("(");
    boolean closes = items.endsWith(")");
    if (opens != closes) {
      throw new InvalidValueException(quote(text) + " has unbalanced parentheses around its list");
    }
    if (opens) {
      items = items.substring(1, items.length() - 1);
    }
    if (items.isBlank()) {
      throw new InvalidValueException(quote(text) + " has no values after 'in'; write key in a,b,c");
    }
    List<String> values = new ArrayList<>();
    for (String item : items.split(",", -1)) {
      String stripped = item.strip();
      if (stripped.isEmpty()) {
        throw new InvalidValueException(
            quote(text) + " has an empty item in its list; write key in a,b,c");
      }
      values.add(stripped);
    }
    return values;
  }

  private static ConstraintOp op(String symbol) {
    return switch (symbol) {
      case "=", "==" -> ConstraintOp.EQ;
      case "!=" -> ConstraintOp.NE;
      case ">" -> ConstraintOp.GT;
      case ">=" -> ConstraintOp.GE;
      case "<" -> ConstraintOp.LT;
      case "<=" -> ConstraintOp.LE;
      default -> throw new IllegalStateException("unhandled operator " + symbol);
    };
  }

  private static boolean isNumber(String value) {
    try {
      new BigDecimal(value);
      return true;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  /** The expression in canonical syntax, e.g. {@code cores>=8} or {@code zone in a,b}. */
  @Override
  public String toString() {
    return switch (op) {
      case EQ -> key + "=" + value;
      case NE -> key + "!=" + value;
      case GT -> key + ">" + value;
      case GE -> key + ">=" + value;
      case LT -> key + "<" + value;
      case LE -> key + "<=" + value;
      case EXISTS -> key;
      case NOT_EXISTS -> "!" + key;
      case IN -> key + " in " + String.join(",", values);
    };
  }
}
