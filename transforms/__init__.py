"""The data, the bottom layer: reading and loading the exports, the schema, the SQL models
(staging, intermediate, marts) with their contracts, the rules and the code registry."""
