#include <doctest/doctest.h>

#include "core/number.hpp"

using icl::InputError;
using icl::Rational;

TEST_CASE("decimals and fractions are read exactly") {
  CHECK(icl::parse_rational("1/10", "x") == Rational(1, 10));
  CHECK(icl::parse_rational("0.1", "x") == Rational(1, 10));
  CHECK(icl::parse_rational("-3/7", "x") == Rational(-3, 7));
  CHECK(icl::parse_rational("2.5e2", "x") == Rational(250));
  CHECK(icl::parse_rational("1E-3", "x") == Rational(1, 1000));
  CHECK(icl::parse_rational(" 20/26 ", "x") == Rational(10, 13));
  CHECK(icl::parse_rational("0.5/3", "x") == Rational(1, 6));
  CHECK(icl::parse_rational(".5", "x") == Rational(1, 2));
  CHECK(icl::parse_rational("+7", "x") == Rational(7));
}

TEST_CASE("fuzzer findings: doubled signs and oversized lists are rejected") {
  CHECK_THROWS_AS(icl::parse_integer("+-5", "x", -10, 10), icl::InputError);
  CHECK_THROWS_AS(icl::parse_rational("1e+-5", "x"), icl::InputError);
  CHECK_THROWS_AS(icl::parse_integer("++5", "x", -10, 10), icl::InputError);
  CHECK(icl::parse_integer("+5", "x", -10, 10) == 5);
  CHECK(icl::parse_rational("1e+5", "x") == Rational(100000));
  std::string many;
  for (int i = 0; i < 3; ++i) many += i ? ",0:999999" : "0:999999";
  CHECK_THROWS_AS(icl::parse_index_list(many, "x"), icl::InputError);
}

TEST_CASE("leading zeros are decimal, never octal") {
  CHECK(icl::parse_rational("0.10", "x") == Rational(1, 10));
  CHECK(icl::parse_rational("0.8", "x") == Rational(4, 5));
  CHECK(icl::parse_rational("0.09", "x") == Rational(9, 100));
  CHECK(icl::parse_rational("010", "x") == Rational(10));
  CHECK(icl::parse_rational("0.0", "x") == Rational(0));
  CHECK(icl::parse_rational("00/08", "x") == Rational(0));
  CHECK(icl::parse_rational("3/08", "x") == Rational(3, 8));
}

TEST_CASE("bad numbers are rejected with the flag's name") {
  for (const char* bad :
       {"", "nan", "inf", "-inf", "1/0", "abc", "1/2/3", "1e", "1e+", "--1", "1..2", "0x10", "1,5", "e5"}) {
    INFO(bad);
    CHECK_THROWS_AS(icl::parse_rational(bad, "--gamma"), InputError);
  }
  try {
    icl::parse_rational("1/0", "--sigma2");
    FAIL("no throw");
  } catch (const InputError& e) {
    CHECK(std::string(e.what()).find("--sigma2") != std::string::npos);
    CHECK(std::string(e.what()).find("zero denominator") != std::string::npos);
  }
}

TEST_CASE("shot lists and inclusive ranges") {
  CHECK(icl::parse_index_list("0,1,5", "--shots") == std::vector<long>{0, 1, 5});
  CHECK(icl::parse_index_list("0:3", "--shots") == std::vector<long>{0, 1, 2, 3});
  CHECK(icl::parse_index_list("0:2,10", "--shots") == std::vector<long>{0, 1, 2, 10});
  CHECK(icl::parse_index_list("7:7", "--shots") == std::vector<long>{7});
  for (const char* bad : {"", "3:1", "-1", "1:2:3", "a", "1,,2", "0:", "1.5"}) {
    INFO(bad);
    CHECK_THROWS_AS(icl::parse_index_list(bad, "--shots"), InputError);
  }
}

TEST_CASE("rational list") {
  const auto v = icl::parse_rational_list("3/5,4/5,0", "--theta");
  REQUIRE(v.size() == 3);
  CHECK(v[0] == Rational(3, 5));
  CHECK(v[2] == 0);
  CHECK_THROWS_AS(icl::parse_rational_list("3/5,,1", "--theta"), InputError);
}

TEST_CASE("integers in a range") {
  CHECK(icl::parse_integer("5", "--d", 1, 10) == 5);
  CHECK_THROWS_AS(icl::parse_integer("0", "--d", 1, 10), InputError);
  CHECK_THROWS_AS(icl::parse_integer("5.0", "--d", 1, 10), InputError);
  CHECK_THROWS_AS(icl::parse_integer("99999999999999999999999", "--d", 1, 10), InputError);
}

TEST_CASE("printing") {
  CHECK(icl::to_fraction(Rational(10, 13)) == "10/13");
  CHECK(icl::to_fraction(Rational(-4)) == "-4");
  CHECK(icl::to_decimal(icl::Float50(Rational(1, 3)), 5) == "0.33333");
  CHECK(icl::to_decimal(0.1) == "0.1");
}
