import { describe, expect, it } from "vitest";
import { ApiError } from "./client.ts";

describe("ApiError.fieldErrors", () => {
  it("puts each named problem of a 400 under its top-level field", () => {
    const e = new ApiError(400, "invalid_request", "name: must not be empty; llm.baseUrl: must be a URL; llm.model: is required");
    expect(e.fieldErrors()).toEqual({ name: "must not be empty", llm: "must be a URL; is required" });
  });

  it("keeps unnamed problems and ignores other statuses", () => {
    expect(new ApiError(400, "invalid_request", "body must be JSON").fieldErrors()).toEqual({ "": "body must be JSON" });
    expect(new ApiError(422, "insufficient_margin", "name: x").fieldErrors()).toEqual({});
  });
});
