#include "http/request.h"

#include <algorithm>

namespace ferry::http {
namespace {

char lower(char c) { return (c >= 'A' && c <= 'Z') ? char(c - 'A' + 'a') : c; }

struct MethodName {
  Method method;
  std::string_view name;
};
constexpr MethodName kMethods[] = {
    {Method::Get, "GET"},     {Method::Head, "HEAD"},     {Method::Post, "POST"},
    {Method::Put, "PUT"},     {Method::Delete, "DELETE"}, {Method::Options, "OPTIONS"},
    {Method::Patch, "PATCH"},
};

}  // namespace

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(),
                                            [](char x, char y) { return lower(x) == lower(y); });
}

std::string_view method_name(Method method) {
  for (const auto& m : kMethods) {
    if (m.method == method) return m.name;
  }
  return "OTHER";
}

Method parse_method(std::string_view token) {
  for (const auto& m : kMethods) {
    if (m.name == token) return m.method;
  }
  return Method::Other;
}

std::optional<std::string_view> Headers::get(std::string_view name) const {
  for (const auto& h : entries_) {
    if (iequals(h.name, name)) return std::string_view(h.value);
  }
  return std::nullopt;
}

std::vector<std::string_view> Headers::get_all(std::string_view name) const {
  std::vector<std::string_view> out;
  for (const auto& h : entries_) {
    if (iequals(h.name, name)) out.emplace_back(h.value);
  }
  return out;
}

void Headers::add(std::string name, std::string value) {
  entries_.push_back({std::move(name), std::move(value)});
}

void Headers::set(std::string_view name, std::string value) {
  remove(name);
  add(std::string(name), std::move(value));
}

void Headers::remove(std::string_view name) {
  std::erase_if(entries_, [&](const Header& h) { return iequals(h.name, name); });
}

std::string_view Request::path() const {
  std::string_view t(target);
  return t.substr(0, t.find('?'));
}

std::string_view Request::query() const {
  std::string_view t(target);
  size_t q = t.find('?');
  return q == std::string_view::npos ? std::string_view() : t.substr(q + 1);
}

}  // namespace ferry::http
