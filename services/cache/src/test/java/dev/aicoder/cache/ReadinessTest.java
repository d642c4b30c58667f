package dev.aicoder.cache;

import dev.aicoder.localredis.AbstractReadinessTest;
import dev.aicoder.localredis.LocalRedisResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
@QuarkusTestResource(LocalRedisResource.class)
class ReadinessTest extends AbstractReadinessTest {}
