import { describe, expect, it } from "vitest";
import { parseFieldErrors, placeFieldErrors } from "./form-errors.ts";

describe("parseFieldErrors", () => {
  it("keys nested fields by their full path", () => {
    expect(parseFieldErrors("name: must not be empty; llm.baseUrl: must be a URL")).toEqual({ name: "must not be empty", "llm.baseUrl": "must be a URL" });
  });

  it("joins two problems of one field", () => {
    expect(parseFieldErrors("llm.maxSteps: must be at least 1; llm.maxSteps: must be a whole number")).toEqual({ "llm.maxSteps": "must be at least 1; must be a whole number" });
  });

  it("puts unnamed problems and the whole body under the empty key", () => {
    expect(parseFieldErrors("something went wrong")).toEqual({ "": "something went wrong" });
    expect(parseFieldErrors("body: must be an object")).toEqual({ "": "must be an object" });
  });

  it("keeps a message that itself contains '; ' whole", () => {
    const msg = "llm.baseUrl: must not contain credentials (user:password@): the URL is stored and shown; put the key in an environment variable; name: is required";
    expect(parseFieldErrors(msg)).toEqual({
      "llm.baseUrl": "must not contain credentials (user:password@): the URL is stored and shown; put the key in an environment variable",
      name: "is required",
    });
  });

  it("does not read a URL in a message as a field", () => {
    expect(parseFieldErrors("llm.baseUrl: must be an http(s) URL, such as http://127.0.0.1:11434/v1")).toEqual({ "llm.baseUrl": "must be an http(s) URL, such as http://127.0.0.1:11434/v1" });
  });

  it("reads array paths", () => {
    expect(parseFieldErrors("symbols[0]: is required")).toEqual({ "symbols[0]": "is required" });
  });
});

describe("placeFieldErrors", () => {
  it("separates the form's fields from the rest", () => {
    const { byField, other } = placeFieldErrors({ name: "taken", llm: "is required for an llm model", "": "odd" }, ["name", "llm.baseUrl"]);
    expect(byField).toEqual({ name: "taken" });
    expect(other).toEqual(["llm: is required for an llm model", "odd"]);
  });
});
