/**
 * This broker's membership of the cluster ({@link io.sluice.broker.BrokerLifecycle}: registration, heartbeats,
 * controlled shutdown) and the producer ids it hands out ({@link io.sluice.broker.ProducerIdManager}).
 */
package io.sluice.broker;
