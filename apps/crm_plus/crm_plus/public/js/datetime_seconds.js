// Seconds in the desk's date pickers (CRM Plus).
// Frappe's Datetime and Time controls give the date picker a time format made from System Settings
// ("HH:mm:ss" becomes "hh:ii:ss"). Frappe pins its own fork of air-datepicker, which knows the "ss"
// token; the air-datepicker 2.2.3 release on npm does not, so a desk built with it writes a literal
// "ss" into the field ("17:40:ss"), and reading that back drops the seconds: a stored datetime then
// differs from its field, the form opens "Not Saved", and a button (Check In) sends the edited copy.
// Where the loaded date picker lacks "ss", this teaches it the token; with Frappe's fork it does
// nothing. Loaded on every desk page (app_include_js) and by the forms of the app's documents.
// No backslashes here: form scripts include this file through a regular-expression substitution.
(function () {
	const Datepicker = window.jQuery && jQuery.fn.datepicker && jQuery.fn.datepicker.Constructor;
	if (!Datepicker || Datepicker.prototype.crm_plus_seconds) {
		return;
	}
	const format = Datepicker.prototype.formatDate;
	const probe = Object.create(Datepicker.prototype);
	probe.loc = { days: [], daysShort: [], months: [], monthsShort: [] };
	probe.opts = {};
	probe.date = new Date(2000, 0, 1, 0, 0, 7);
	let known = false;
	try {
		known = format.call(probe, "ss") === "07";
	} catch (e) {
		known = false;
	}
	Datepicker.prototype.crm_plus_seconds = true;
	if (known) {
		return;
	}
	const mark = String.fromCharCode(1);
	Datepicker.prototype.formatDate = function (string, date) {
		const when = date || this.date;
		const seconds = String(when.getSeconds()).padStart(2, "0");
		return format.call(this, String(string).split("ss").join(mark), date).split(mark).join(seconds);
	};
})();
