'use strict';
// Programmatic entry point: the FlexPay protocol core (signing, startorder URLs,
// postback verification, sale status) without any n8n dependency.
module.exports = require('./dist/lib/index.js');
