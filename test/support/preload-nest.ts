// @nestjs/throttler is CommonJS and requires @nestjs/common and @nestjs/core, which are ESM-only. Node
// handles that require(esm), but Jest's module linker builds a CommonJS dependency while it still links
// the graph around it, before those packages have run, and refuses the edge as a cycle. Evaluating
// them first, here, leaves nothing for it to refuse.
import '@nestjs/common';
import '@nestjs/core';
