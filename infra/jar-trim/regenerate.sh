#!/usr/bin/env bash
# Regenerates infra/jar-trim/shade-filters.pom.xml, the shade filters that leave out of each function's deployable
# jar the library classes no function reaches (docs/jars.md). Offline, deterministic: on an unchanged tree it
# rewrites the same file. Run from anywhere: bash infra/jar-trim/regenerate.sh   (MVN=... to use another Maven)
set -euo pipefail
cd "$(dirname "$0")/../.."
MVN=${MVN:-mvn}
# The function modules: those whose pom names a deployable jar (the send modules are libraries they carry).
functions=$(grep -l '<lambda.jar.name>' functions/*/pom.xml | xargs -n1 dirname | paste -sd, -)
# 1. Every function's jar with the root pom's hand-written filters only (jar.trim.stage makes the generated ones
#    match no artifact), as target/<name>-untrimmed.jar, and each function's runtime dependencies with their files.
"$MVN" -o -q -B -DskipTests -Djar.trim.stage=-untrimmed -pl "$functions" -am package dependency:list \
  -DincludeScope=runtime -DoutputAbsoluteArtifactFilename=true -DoutputFile=target/jar-trim-dependencies.txt
# 2. The reachability closure over those jars, written as the generated parent POM's filters.
java infra/jar-trim/JarTrim.java .
