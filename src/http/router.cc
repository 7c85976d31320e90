#include "http/router.h"

#include "common/check.h"

namespace ferry::http {

struct Router::Node {
  std::map<std::string, std::unique_ptr<Node>, std::less<>> children;  // literal components
  std::string param_name;                                              // for `param`
  std::unique_ptr<Node> param;                                         // `{name}` child
  std::map<Method, Route> methods;

  bool has_children() const { return !children.empty() || param != nullptr; }
};

namespace {

bool is_param_component(std::string_view c) {
  return c.size() > 2 && c.front() == '{' && c.back() == '}';
}

std::vector<std::string_view> split_template(std::string_view tmpl) {
  FERRY_CHECK(!tmpl.empty() && tmpl.front() == '/', "route template must start with '/'");
  std::vector<std::string_view> out;
  tmpl.remove_prefix(1);
  while (!tmpl.empty()) {
    size_t slash = tmpl.find('/');
    std::string_view c = tmpl.substr(0, slash);
    FERRY_CHECK(!c.empty() && c.front() != '.', "route template has an empty or '.' component");
    out.push_back(c);
    tmpl = slash == std::string_view::npos ? std::string_view() : tmpl.substr(slash + 1);
  }
  return out;
}

}  // namespace

Router::Router() : root_(std::make_unique<Node>()) {}
Router::~Router() = default;
Router::Router(Router&&) noexcept = default;
Router& Router::operator=(Router&&) noexcept = default;

Router& Router::add(Method method, std::string_view path_template, Route route) {
  FERRY_CHECK(method == Method::Get || method == Method::Put || method == Method::Post ||
                  method == Method::Delete,
              "only GET, PUT, POST and DELETE are routed");
  FERRY_CHECK(route.handler != nullptr, "route without handler");
  Node* node = root_.get();
  for (std::string_view c : split_template(path_template)) {
    if (is_param_component(c)) {
      std::string name(c.substr(1, c.size() - 2));
      FERRY_CHECK(name.find_first_of("{}/") == std::string::npos, "malformed {param}");
      if (!node->param) {
        node->param = std::make_unique<Node>();
        node->param_name = name;
      }
      FERRY_CHECK(node->param_name == name, "conflicting parameter names at one level");
      node = node->param.get();
      continue;
    }
    FERRY_CHECK(c.find_first_of("{}") == std::string_view::npos, "malformed {param}");
    auto& child = node->children[std::string(c)];
    if (!child) child = std::make_unique<Node>();
    node = child.get();
  }
  FERRY_CHECK(!node->methods.contains(method), "route registered twice");
  node->methods.emplace(method, std::move(route));
  return *this;
}

std::optional<Router::Match> Router::find(Method method,
                                          const std::vector<std::string>& components) const {
  Match match;
  const Node* node = root_.get();
  for (const auto& c : components) {
    if (auto it = node->children.find(c); it != node->children.end()) {
      node = it->second.get();
    } else if (node->param) {
      match.path_params.emplace_back(node->param_name, c);
      node = node->param.get();
    } else {
      return std::nullopt;
    }
  }
  if (auto it = node->methods.find(method); it != node->methods.end()) {
    match.route = &it->second;
    return match;
  }
  if (method == Method::Get && !node->children.empty()) {
    for (const auto& [name, child] : node->children) match.subdirs.push_back(name);  // sorted
    return match;
  }
  return std::nullopt;
}

}  // namespace ferry::http
