/**
 * Shared test helper: a local HTTP stand-in (a real server on 127.0.0.1) for
 * the two publicly documented endpoints of Verotel's Control Center API:
 *   GET  <base>/dashboard/totals?output_currency=USD   (the credential test)
 *   POST <base>/sale/{saleID}/cancel                   (Subscription -> Cancel)
 * It checks HTTP Basic auth (401 otherwise) and answers 403 when the account's
 * API is not activated. Cancel: 200 {"is_success": true} for an active sale,
 * 412 "This sale is already cancelled." for a cancelled one, 404 otherwise.
 *
 * The stand-in itself lives in scripts/control-center-stand-in.cjs, which the
 * demo services (`npm start`, the e2e suites) mount as well; its types are in
 * scripts/control-center-stand-in.d.cts.
 */
export type {
	ControlCenterRequest,
	ControlCenterServer,
	ControlCenterServerOptions,
} from '../../scripts/control-center-stand-in.cjs';
export { basicAuth, startControlCenterServer } from '../../scripts/control-center-stand-in.cjs';
